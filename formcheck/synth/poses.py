"""The three exercises as postures: a function of the eased progress (0 = rest, 1 = top).

Each poser builds the LEFT-working version in a fixed world layout (metres, Z up, floor at
z = 0, head toward -X); a right-working clip is its mirror image (``Skeleton.mirrored``).
Faults scale with the progress, so they build up during the lift and are at their full
magnitude during the hold. Postures follow the seed article:

- bridge: supine, knees bent, feet flat and hip-width apart; the hips lift about the
  shoulders until shoulders, hips and knees make a straight line.
- clamshell: lying on the right side, hips flexed 45 deg, knees 90 deg, feet together;
  the top (left) knee opens about the line from the top hip to the feet.
- fire hydrant: hands under shoulders, knees under hips, knees at 90 deg; the left thigh
  swings out to the side about the body's long axis with the knee kept at 90 deg.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

import numpy as np

from formcheck.synth.body import Body, Skeleton, limb_frame
from formcheck.synth.geometry import UP, bisect, frame_from, joint_angle_deg, rotate_about, rotation, two_bone, unit
from formcheck.synth.motion import RepPlan

X = np.array([1.0, 0.0, 0.0])
Y = np.array([0.0, 1.0, 0.0])
Z = UP

# Clean top values of the primary angle at rom 1.0 (docs/design.md §3).
BRIDGE_REST_DEG = 127.0
BRIDGE_TOP_DEG = 174.0
CLAMSHELL_TOP_DEG = 40.0
HYDRANT_TOP_DEG = 52.0
# Where the top knee starts its search for the rest position (knee centres this far apart); the
# clamshell's rest then turns it to where the thighs are most nearly parallel (~3 deg).
CLAMSHELL_KNEE_GAP = 0.16


def _faults(rep: RepPlan | None, progress: float) -> dict[str, float]:
    return {k: v * progress for k, v in rep.faults.items()} if rep else {}


def _top(rep: RepPlan | None, clean_top: float, rest: float) -> float:
    """This rep's clean top angle: the rest angle plus its share of the normal range."""
    scale = rep.rom_scale if rep else 1.0
    return rest + scale * (clean_top - rest)


def _arm_on_floor(skel: Skeleton, body: Body, side: str, direction: np.ndarray, lateral: np.ndarray) -> None:
    """Arm lying on the floor beside the body, palm down, pointing along ``direction``."""
    sh = skel[f"{side}_shoulder"]
    d = unit(direction)
    elbow = sh + d * body.upper_arm * 0.97 + lateral * 0.07 * body.k
    elbow[2] = 0.045 * body.k
    wrist = elbow + d * body.forearm * 0.98 + lateral * 0.02 * body.k
    wrist[2] = 0.035 * body.k
    elbow = two_bone(sh, wrist, body.upper_arm, body.forearm, Z)
    skel[f"{side}_elbow"], skel[f"{side}_wrist"] = elbow, wrist
    skel.frames[f"{side}_hand"] = limb_frame(wrist - elbow, Z)


# ----------------------------------------------------------------------------- bridge


@lru_cache(maxsize=16)
def _bridge_geometry(body: Body) -> dict[str, np.ndarray | float]:
    """Rest layout of a supine body: shoulder line, hips and planted feet."""
    k = body.k
    sh_z, hip_z = 0.075 * k, 0.095 * k
    sh_x = -math.sqrt(body.trunk**2 - (hip_z - sh_z) ** 2)
    sh_mid = np.array([sh_x, 0.0, sh_z])
    hip_mid = np.array([0.0, 0.0, hip_z])
    ankle_y = body.hip_half

    def rest_angle(foot_x: float) -> float:
        hip = hip_mid + Y * body.hip_half
        ankle = np.array([foot_x, ankle_y, body.ankle_height])
        knee = two_bone(hip, ankle, body.thigh, body.shank, Z + 0.3 * X)
        return joint_angle_deg(sh_mid + Y * body.shoulder_half, hip, knee)

    foot_x = bisect(rest_angle, 0.35 * k, 0.80 * k, BRIDGE_REST_DEG)
    return {"sh_mid": sh_mid, "hip_mid": hip_mid, "foot_x": foot_x, "ankle_y": ankle_y}


def _bridge_legs(body: Body, hip_l: np.ndarray, hip_r: np.ndarray, geo: dict) -> dict[str, np.ndarray]:
    out = {}
    for side, hip, sign in (("l", hip_l, 1.0), ("r", hip_r, -1.0)):
        ankle = np.array([geo["foot_x"], sign * geo["ankle_y"], body.ankle_height])
        out[f"{side}_ankle"] = ankle
        out[f"{side}_knee"] = two_bone(hip, ankle, body.thigh, body.shank, Z + 0.3 * X)
    return out


def _bridge_hip_mid(geo: dict, theta: float) -> np.ndarray:
    """Mid-hip after the trunk pivots ``theta`` about the shoulder line (upper back stays down)."""
    return rotate_about(geo["hip_mid"], geo["sh_mid"], Y, -theta)


@lru_cache(maxsize=16)
def _bridge_lift_table(body: Body) -> tuple[np.ndarray, np.ndarray]:
    """Clean shoulder-hip-knee angle as a function of the trunk lift angle (radians), tabulated."""
    geo = _bridge_geometry(body)
    thetas = np.radians(np.arange(0.0, 45.01, 0.2))
    angles = []
    for theta in thetas:
        hm = _bridge_hip_mid(geo, theta)
        legs = _bridge_legs(body, hm + Y * body.hip_half, hm - Y * body.hip_half, geo)
        angles.append(joint_angle_deg(geo["sh_mid"] + Y * body.shoulder_half, hm + Y * body.hip_half, legs["l_knee"]))
    return thetas, np.array(angles)


def pose_bridge(body: Body, progress: float, rep: RepPlan | None) -> Skeleton:
    geo = _bridge_geometry(body)
    faults = _faults(rep, progress)
    sh_mid = geo["sh_mid"]
    top = _top(rep, BRIDGE_TOP_DEG, BRIDGE_REST_DEG) - (rep.faults.get("hips_low", 0.0) if rep else 0.0)
    target = BRIDGE_REST_DEG + progress * (top - BRIDGE_REST_DEG)

    thetas, angles = _bridge_lift_table(body)
    # Past the straightest reachable line the angle would fall again: stop there.
    peak = int(np.argmax(angles))
    theta = float(np.interp(target, angles[: peak + 1], thetas[: peak + 1])) if target > angles[0] else 0.0
    hip_mid = _bridge_hip_mid(geo, theta)
    trunk_up = unit(sh_mid - hip_mid)

    # Pelvic drop: the pelvis rolls about the horizontal long axis; + lowers the patient's right hip.
    # Patients drop one side rather than see-saw: the pelvis turns about the hip that stays up
    # (the midpoint sinks by half the drop of the low hip) and slides a little towards the
    # dropping side (half as far again).
    drop = math.radians(faults.get("pelvic_drop", 0.0))
    lateral = rotation(X, drop) @ Y
    sink = body.hip_half * abs(math.sin(drop))
    hip_mid = hip_mid - Z * sink - Y * math.copysign(0.5 * sink, drop)
    hip_l, hip_r = hip_mid + lateral * body.hip_half, hip_mid - lateral * body.hip_half

    skel = Skeleton()
    skel["l_hip"], skel["r_hip"] = hip_l, hip_r
    skel["l_shoulder"], skel["r_shoulder"] = sh_mid + Y * body.shoulder_half, sh_mid - Y * body.shoulder_half
    for name, value in _bridge_legs(body, hip_l, hip_r, geo).items():
        skel[name] = value

    # Knees in: each knee turns about its hip-ankle line toward the midline by the named distance.
    knees_in = faults.get("knees_in", 0.0) / 100.0
    if knees_in > 0:
        for side, sign in (("l", 1.0), ("r", -1.0)):
            hip, knee, ankle = skel[f"{side}_hip"], skel[f"{side}_knee"], skel[f"{side}_ankle"]
            axis = ankle - hip
            medial = -sign * lateral

            def inward(psi: float, hip=hip, knee=knee, axis=axis, medial=medial) -> float:
                return float(np.dot(rotate_about(knee, hip, axis, psi) - knee, medial))

            # The sign of the turn that moves the knee inward depends on the side.
            turn = 1.0 if inward(0.1) > 0 else -1.0
            psi = bisect(lambda a, f=inward, s=turn: f(s * a), 0.0, 1.4, knees_in)
            skel[f"{side}_knee"] = rotate_about(knee, hip, axis, turn * psi)

    for side, sign in (("l", 1.0), ("r", -1.0)):
        skel.frames[f"{side}_foot"] = limb_frame(X, Z)
        _arm_on_floor(skel, body, side, X, sign * Y)

    # Head resting on the floor, face to the ceiling, in line with the trunk.
    head = sh_mid - X * body.neck
    head[2] = body.head_radii[0] * 1.02
    skel["head"] = head
    skel.frames["head"] = frame_from(Z, -X)
    skel.frames["pelvis"] = frame_from(np.cross(lateral, trunk_up), trunk_up)
    return skel


# ----------------------------------------------------------------------------- clamshell


def _clamshell_rest(body: Body) -> Skeleton:
    """Lying on the right side, left leg on top, hips 45 deg, knees 90 deg, feet together."""
    k = body.k
    skel = Skeleton()
    hb = 0.13 * k
    hip_r = np.array([0.0, 0.0, hb])
    hip_l = hip_r + Z * 2 * body.hip_half
    hip_mid = 0.5 * (hip_l + hip_r)
    sh_r_z = 0.075 * k
    sh_mid_z = sh_r_z + body.shoulder_half
    sh_x = -math.sqrt(body.trunk**2 - (sh_mid_z - hip_mid[2]) ** 2)
    sh_r = np.array([sh_x, 0.0, sh_r_z])
    skel["r_hip"], skel["l_hip"] = hip_r, hip_l
    skel["r_shoulder"], skel["l_shoulder"] = sh_r, sh_r + Z * 2 * body.shoulder_half

    anterior = -Y
    thigh_dir = unit(math.cos(math.radians(45)) * X + math.sin(math.radians(45)) * anterior)
    shank_dir = unit(math.cos(math.radians(-45)) * X + math.sin(math.radians(-45)) * anterior)
    knee_z, ankle_z = 0.055 * k, 0.05 * k
    horiz = math.sqrt(body.thigh**2 - (hb - knee_z) ** 2)
    knee_r = hip_r + thigh_dir * horiz
    knee_r[2] = knee_z
    horiz = math.sqrt(body.shank**2 - (knee_z - ankle_z) ** 2)
    ankle_r = knee_r + shank_dir * horiz
    ankle_r[2] = ankle_z
    ankle_l = ankle_r + Z * 0.085 * k
    knee_l = two_bone(hip_l, ankle_l, body.thigh, body.shank, (knee_r + Z * CLAMSHELL_KNEE_GAP * k) - hip_l)
    skel["r_knee"], skel["r_ankle"], skel["l_knee"], skel["l_ankle"] = knee_r, ankle_r, knee_l, ankle_l
    # Relaxed feet point a little beyond a right angle to the shin (slight plantarflexion).
    skel.frames["r_foot"] = limb_frame(rotation(Z, -math.radians(100)) @ shank_dir, -shank_dir)
    skel.frames["l_foot"] = skel.frames["r_foot"].copy()

    # Bottom arm overhead on the floor with the head resting on it; top hand on the floor in front.
    elbow_r = sh_r + np.array([-0.27, -0.06, -0.03]) * k
    wrist_r = elbow_r + np.array([-0.06, -0.23, -0.005]) * k
    skel["r_elbow"], skel["r_wrist"] = elbow_r, wrist_r
    skel.frames["r_hand"] = limb_frame(wrist_r - elbow_r, -Z * 0.2 + X)
    sh_l = skel["l_shoulder"]
    wrist_l = np.array([sh_x + 0.12 * k, -0.32 * k, 0.035 * k])
    skel["l_wrist"] = wrist_l
    skel["l_elbow"] = two_bone(sh_l, wrist_l, body.upper_arm, body.forearm, Z + 0.5 * X)
    skel.frames["l_hand"] = limb_frame(unit(-X - Y), Z)

    sh_mid = skel.mid("shoulder")
    head = sh_mid - X * body.neck * 0.95 + anterior * 0.02 * k
    head[2] = 0.10 * k + body.head_radii[1]
    skel["head"] = head
    skel.frames["head"] = frame_from(anterior, head - sh_mid + 0.5 * (sh_mid - skel.mid("hip")))
    return skel


def pose_clamshell(body: Body, progress: float, rep: RepPlan | None) -> Skeleton:
    skel = _clamshell_rest(body)
    faults = _faults(rep, progress)
    long_axis = unit(skel.mid("shoulder") - skel.mid("hip"))

    # Pelvis roll-back: pelvis (and, less, the chest) turn about the long axis through the bottom
    # hip so the top hip moves backward (+Y).
    roll = math.radians(faults.get("pelvis_rollback", 0.0))
    if roll:
        pivot = skel["r_hip"].copy()
        turn = 1.0 if rotate_about(skel["l_hip"], pivot, long_axis, 0.1)[1] > skel["l_hip"][1] else -1.0
        skel["l_hip"] = rotate_about(skel["l_hip"], pivot, long_axis, turn * roll)
        skel["l_shoulder"] = rotate_about(skel["l_shoulder"], skel["r_shoulder"], long_axis, turn * roll * 0.4)
        skel["l_elbow"] = two_bone(skel["l_shoulder"], skel["l_wrist"], body.upper_arm, body.forearm, Z + 0.5 * X)

    # Feet apart: the top foot lifts straight off the bottom one.
    skel["l_ankle"] = skel["l_ankle"] + Z * faults.get("feet_apart", 0.0) / 100.0

    hip, ankle = skel["l_hip"], skel["l_ankle"]
    bottom_knee = skel["r_knee"]
    knee0 = two_bone(hip, ankle, body.thigh, body.shank, (bottom_knee + Z * CLAMSHELL_KNEE_GAP * body.k) - hip)
    axis = ankle - hip
    turn = 1.0 if rotate_about(knee0, hip, axis, 0.1)[2] > knee0[2] else -1.0

    bottom_thigh = unit(skel["r_knee"] - skel["r_hip"])

    def opening(beta: float) -> float:
        top_thigh = unit(rotate_about(knee0, hip, axis, turn * beta) - hip)
        return float(np.degrees(np.arccos(np.clip(np.dot(top_thigh, bottom_thigh), -1.0, 1.0))))

    # The knee turns about the hip-ankle axis. It rests where the thighs are most nearly
    # parallel (docs/design.md §3: 0-5° at rest), so the opening grows steadily with the turn; from a
    # converging rest it would first shrink and then grow, a dip no clinician calls opening.
    grid = np.radians(np.arange(0.0, 60.0, 0.5))
    parallel = float(grid[int(np.argmin([opening(b) for b in grid]))])
    rest_open = opening(parallel)
    top = _top(rep, CLAMSHELL_TOP_DEG, rest_open) - (rep.faults.get("small_opening", 0.0) if rep else 0.0)
    top_beta = bisect(opening, parallel, math.radians(100), top) if top > rest_open else parallel
    skel["l_knee"] = rotate_about(knee0, hip, axis, turn * (parallel + progress * (top_beta - parallel)))
    trunk_up = unit(skel.mid("shoulder") - skel.mid("hip"))
    lateral = unit(skel["l_hip"] - skel["r_hip"])
    skel.frames["pelvis"] = frame_from(np.cross(lateral, trunk_up), trunk_up)
    return skel


# ----------------------------------------------------------------------------- fire hydrant


def _hydrant_rest(body: Body) -> Skeleton:
    """Tabletop: hands under shoulders, knees under hips, shins on the floor, head in line."""
    k = body.k
    skel = Skeleton()
    left = -Y  # patient's left when prone with the head toward -X
    knee_z = 0.055 * k
    hip_z = knee_z + body.thigh
    wrist_z = 0.035 * k
    sh_z = wrist_z + (body.upper_arm + body.forearm) * 0.985
    sh_x = -math.sqrt(body.trunk**2 - (sh_z - hip_z) ** 2)
    for side, sign in (("l", 1.0), ("r", -1.0)):
        lat = left * sign
        hip = np.array([0.0, 0.0, hip_z]) + lat * body.hip_half
        knee = np.array([0.0, 0.0, knee_z]) + lat * body.hip_half
        ankle = knee + X * math.sqrt(body.shank**2 - (body.ankle_height - knee_z) ** 2)
        ankle[2] = body.ankle_height
        sh = np.array([sh_x, 0.0, sh_z]) + lat * body.shoulder_half
        wrist = np.array([sh_x, 0.0, wrist_z]) + lat * (body.shoulder_half - 0.01 * k)
        skel[f"{side}_hip"], skel[f"{side}_knee"], skel[f"{side}_ankle"] = hip, knee, ankle
        skel[f"{side}_shoulder"], skel[f"{side}_wrist"] = sh, wrist
        skel[f"{side}_elbow"] = two_bone(sh, wrist, body.upper_arm, body.forearm, X + 0.2 * lat)
        skel.frames[f"{side}_hand"] = limb_frame(-X + 0.15 * lat, Z)
        skel.frames[f"{side}_foot"] = limb_frame(X - 0.45 * Z, -Z)  # top of the foot on the floor
    sh_mid = skel.mid("shoulder")
    skel["head"] = sh_mid - X * body.neck - Z * 0.02 * k
    skel.frames["head"] = frame_from(unit(-Z - 0.45 * X), -X)
    return skel


def pose_fire_hydrant(body: Body, progress: float, rep: RepPlan | None) -> Skeleton:
    skel = _hydrant_rest(body)
    faults = _faults(rep, progress)
    lateral = unit(skel["l_hip"] - skel["r_hip"])  # toward the working (left) leg, horizontal
    hip0 = skel["l_hip"].copy()

    # Trunk shift away from the working leg: shoulders fully, pelvis partly; hands stay planted.
    shift = faults.get("trunk_shift", 0.0) / 100.0
    if shift:
        for side in ("l", "r"):
            skel[f"{side}_shoulder"] = skel[f"{side}_shoulder"] - lateral * shift
            skel[f"{side}_hip"] = skel[f"{side}_hip"] - lateral * shift * 0.4
            skel[f"{side}_elbow"] = two_bone(
                skel[f"{side}_shoulder"], skel[f"{side}_wrist"], body.upper_arm, body.forearm, X
            )
        skel["head"] = skel["head"] - lateral * shift  # the support knee stays planted

    # Pelvic tilt: the pelvis turns about the long axis through the support hip; working hip rises.
    tilt = math.radians(faults.get("pelvic_tilt", 0.0))
    if tilt:
        turn = 1.0 if rotate_about(skel["l_hip"], skel["r_hip"], X, 0.1)[2] > skel["l_hip"][2] else -1.0
        skel["l_hip"] = rotate_about(skel["l_hip"], skel["r_hip"], X, turn * tilt)

    # The working leg moves with its hip, then swings out about the long axis through the hip.
    hip = skel["l_hip"]
    moved = hip - hip0
    knee, ankle = skel["l_knee"] + moved, skel["l_ankle"] + moved
    foot_frame = skel.frames["l_foot"]

    # Knee straightening beyond 90 deg (hinge), with a little hip rotation that keeps the foot up.
    extend = math.radians(faults.get("knee_extended", 0.0))
    if extend:
        hinge = np.cross(hip - knee, ankle - knee)
        opened = rotate_about(ankle, knee, hinge, 0.1)
        turn = 1.0 if joint_angle_deg(hip, knee, opened) > joint_angle_deg(hip, knee, ankle) else -1.0
        ankle_new = rotate_about(ankle, knee, hinge, turn * extend)
        foot_frame = rotation(hinge, turn * extend) @ foot_frame
        ankle = ankle_new

    top = _top(rep, HYDRANT_TOP_DEG, 0.0)
    gamma = math.radians(progress * top)
    turn = 1.0 if np.dot(rotate_about(knee, hip, X, 0.1) - knee, lateral) > 0 else -1.0
    rot = rotation(X, turn * gamma)
    knee = hip + rot @ (knee - hip)
    ankle = hip + rot @ (ankle - hip)
    foot_frame = rot @ foot_frame
    if extend:
        # Hip rotation about the thigh lifts the foot off the floor again (knee angle unchanged).
        thigh = knee - hip
        rho = 0.6 * extend
        a_up = rotate_about(ankle, knee, thigh, rho)
        a_dn = rotate_about(ankle, knee, thigh, -rho)
        rho = rho if a_up[2] >= a_dn[2] else -rho
        ankle = rotate_about(ankle, knee, thigh, rho)
        foot_frame = rotation(thigh, rho) @ foot_frame
    # "Foot flexed": the working foot dorsiflexes as the leg lifts.
    flex = rotation(foot_frame[:, 1], -math.radians(70) * progress)
    skel["l_knee"], skel["l_ankle"] = knee, ankle
    skel.frames["l_foot"] = flex @ foot_frame
    trunk_up = unit(skel.mid("shoulder") - skel.mid("hip"))
    hip_line = unit(skel["l_hip"] - skel["r_hip"])
    skel.frames["pelvis"] = frame_from(np.cross(hip_line, trunk_up), trunk_up)
    return skel


POSERS = {"bridge": pose_bridge, "clamshell": pose_clamshell, "fire_hydrant": pose_fire_hydrant}


def pose(exercise: str, side: str, body: Body, progress: float, rep: RepPlan | None) -> Skeleton:
    """The body at ``progress`` through ``rep`` (None = at rest), working ``side``."""
    if side == "right" and rep is not None and exercise == "bridge" and "pelvic_drop" in rep.faults:
        # Bridges are bilateral: + pelvic_drop always lowers the patient's RIGHT hip, so undo the mirror.
        rep = replace(rep, faults={**rep.faults, "pelvic_drop": -rep.faults["pelvic_drop"]})
    skel = POSERS[exercise](body, progress, rep)
    return skel.mirrored() if side == "right" else skel
