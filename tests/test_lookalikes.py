"""Look-alike exercises are named, not counted (formcheck.analysis.lookalikes).

Synthetic landmark sequences only (real clips stay out of tests): a donkey kick and a bird dog
made from the renderer's side-view fire hydrant by swinging the leg (or an arm) in the sagittal
plane instead of out to the side, and a hand-built standing squat.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.analysis import analyze_frames
from formcheck.landmarks import Landmark
from formcheck.pose_types import PoseFrame
from formcheck.synth import SynthSpec, simulate

LEG = ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")
ARM = ("ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")


def _lm(side: str, joint: str) -> int:
    return int(Landmark[f"{side.upper()}_{joint}"])


def side_view_fire_hydrant(side: str = "left") -> tuple[list[PoseFrame], str]:
    """Exact landmarks of a fire hydrant seen from the working side by a distant camera (nearly
    orthographic, so image offsets are world offsets times one scale)."""
    spec = SynthSpec(
        exercise="fire_hydrant",
        view="side",
        side=side,
        reps=3,
        hold_s=1.0,
        rest_s=0.9,
        lead_in_s=1.0,
        seed=3,
        width=480,
        height=360,
        camera_distance_m=6.0,
        fov_deg=25.0,
    )
    return simulate(spec).to_pose_frames(), side


def swing_in_image_plane(
    frames: list[PoseFrame], pivot: int, chain: list[int], angle: np.ndarray, toward: str
) -> list[PoseFrame]:
    """Rotate the rest pose of ``chain`` about ``pivot`` by ``angle[i]`` (radians) about the
    camera's axis (the body's left-right axis in a side view), towards the head ("cranial") or
    the feet ("caudal"), in both the world and the image landmarks."""
    rest = frames[0]
    w, h = rest.image_size
    out = []
    for f, a in zip(frames, angle, strict=True):
        lm, world = f.landmarks.copy(), f.world.copy()
        sh = 0.5 * (world[_lm("left", "SHOULDER")] + world[_lm("right", "SHOULDER")])
        hip = 0.5 * (world[_lm("left", "HIP")] + world[_lm("right", "HIP")])
        head = np.sign((sh - hip)[0])  # +1: the head is to the image right
        # pixels per metre, from this frame's trunk

        def px(i: int, lm: np.ndarray = lm) -> np.ndarray:
            return np.array([lm[i, 0] * w, lm[i, 1] * h])

        s_px = np.linalg.norm(
            0.5 * (px(_lm("left", "SHOULDER")) + px(_lm("right", "SHOULDER")))
            - 0.5 * (px(_lm("left", "HIP")) + px(_lm("right", "HIP")))
        ) / np.linalg.norm((sh - hip)[:2])
        sign = head if toward == "cranial" else -head
        # image y points down: a rotation that moves a hanging limb towards +x has this sign
        c, s = np.cos(a), np.sin(-sign * a)
        rot = np.array([[c, -s], [s, c]])
        for i in chain:
            v = rest.world[i] - rest.world[pivot]
            world[i, :2] = world[pivot, :2] + rot @ v[:2]
            world[i, 2] = world[pivot, 2] + v[2]
            p = px(pivot) + s_px * (rot @ v[:2])
            lm[i, 0], lm[i, 1] = p[0] / w, p[1] / h
        out.append(replace(f, landmarks=lm, world=world))
    return out


def _lift(frames: list[PoseFrame], side: str) -> np.ndarray:
    """The fire hydrant's own abduction per frame (radians): the thigh's 3D angle from rest."""
    hip, knee = _lm(side, "HIP"), _lm(side, "KNEE")
    d0 = frames[0].world[knee] - frames[0].world[hip]
    ang = []
    for f in frames:
        d = f.world[knee] - f.world[hip]
        ang.append(np.arccos(np.clip(np.dot(d, d0) / (np.linalg.norm(d) * np.linalg.norm(d0)), -1, 1)))
    return np.array(ang)


def test_side_view_fire_hydrant_is_not_mistaken_for_a_look_alike() -> None:
    frames, side = side_view_fire_hydrant()
    result = analyze_frames(frames, "fire_hydrant")
    assert result.status == "ok", result.message
    assert len(result.reps) == 3


@pytest.mark.parametrize("side", ["left", "right"])
def test_donkey_kick_is_named(side: str) -> None:
    """The same lift, but the thigh swings backwards in the image plane (hip extension) at
    constant image length: the opposite of a fire hydrant seen from the side."""
    frames, side = side_view_fire_hydrant(side)
    angle = 1.3 * _lift(frames, side)  # donkey kicks lift the thigh to about horizontal
    chain = [_lm(side, j) for j in LEG]
    kicks = swing_in_image_plane(frames, _lm(side, "HIP"), chain, angle, "caudal")
    result = analyze_frames(kicks, "fire_hydrant")
    assert result.status == "wrong_exercise"
    assert "donkey kick" in result.message and "not a fire hydrant" in result.message
    assert result.reps == [] and sum(result.rep_counts.values()) == 0


def test_bird_dog_is_named() -> None:
    """On all fours, one arm reaches forward while the opposite leg kicks back."""
    frames, side = side_view_fire_hydrant("left")
    angle = 1.5 * _lift(frames, side)
    leg = swing_in_image_plane(frames, _lm(side, "HIP"), [_lm(side, j) for j in LEG], angle, "caudal")
    arm = swing_in_image_plane(leg, _lm("right", "SHOULDER"), [_lm("right", j) for j in ARM], angle, "cranial")
    result = analyze_frames(arm, "fire_hydrant")
    assert result.status == "wrong_exercise"
    assert "bird dog" in result.message
    assert result.reps == []


def standing_squats(reps: int = 3, fps: float = 30.0) -> list[PoseFrame]:
    """A person standing, facing a level camera, squatting (hips down 0.3 m, knees to ~75°)."""
    w, h = 480, 640
    thigh = shin = 0.45
    t = np.arange(0, 2.0 + 2.5 * reps, 1 / fps)
    phase = np.clip(t - 1.0, 0, None)
    depth = np.where(phase < 2.5 * reps, 0.5 * (1 - np.cos(2 * np.pi * phase / 2.5)), 0.0)
    frames = []
    for ti, d in zip(t, depth, strict=True):
        beta = np.radians(52.0) * d  # shin and thigh each tilt by beta: knee angle 180 - 2 beta
        world = np.zeros((33, 3))
        for side, x in (("left", 0.1), ("right", -0.1)):  # facing the camera: the left is image right
            ankle = np.array([x, 0.9, 0.0])
            knee = ankle + [0, -shin * np.cos(beta), -shin * np.sin(beta)]
            hip = knee + [0, -thigh * np.cos(beta), thigh * np.sin(beta)]
            shoulder = hip + [0.08 * np.sign(x), -0.5 * np.cos(beta / 2), -0.5 * np.sin(beta / 2)]
            elbow = shoulder + [0.05 * np.sign(x), 0.28, 0]
            wrist = elbow + [0, 0.25, 0]
            for j, p in (
                ("ANKLE", ankle),
                ("HEEL", ankle + [0, 0.03, 0.05]),
                ("FOOT_INDEX", ankle + [0, 0.05, -0.15]),
                ("KNEE", knee),
                ("HIP", hip),
                ("SHOULDER", shoulder),
                ("ELBOW", elbow),
                ("WRIST", wrist),
                ("PINKY", wrist),
                ("INDEX", wrist),
                ("THUMB", wrist),
            ):
                world[_lm(side, j)] = p
        world[int(Landmark.NOSE)] = 0.5 * (world[_lm("left", "SHOULDER")] + world[_lm("right", "SHOULDER")]) + [
            0,
            -0.25,
            -0.05,
        ]
        world -= 0.5 * (world[_lm("left", "HIP")] + world[_lm("right", "HIP")])  # origin between the hips
        lm = np.zeros((33, 5))
        lm[:, 0] = (240 + 300 * world[:, 0]) / w
        lm[:, 1] = (330 + 300 * world[:, 1]) / h
        lm[:, 3:] = 1.0
        frames.append(
            PoseFrame(
                timestamp_s=float(ti),
                image_size=(w, h),
                landmarks=lm.astype(np.float32),
                world=world.astype(np.float32),
            )
        )
    return frames


@pytest.mark.parametrize("exercise", ["bridge", "fire_hydrant", "clamshell"])
def test_standing_squat_is_named(exercise: str) -> None:
    result = analyze_frames(standing_squats(), exercise)
    assert result.status == "wrong_exercise", result.message
    assert "squat" in result.message and "not a" in result.message
    assert result.reps == []


@pytest.mark.parametrize(
    ("trunk_deg", "knee_deg", "is_standing"),
    [
        # A tracked back-view fire hydrant render (seed 4): hips 0.77 leg lengths up, trunk read
        # 50° raised, but the knees bent ~90°.
        (55.0, 90.0, False),
        (55.0, 150.0, True),  # the same with straight knees
        # A phone 1.3 m up behind a fire hydrant tips the level trunk to 40-46° and reads the knee
        # bent towards the lens at 118-137° (tracked render, tune pop0-098).
        (44.0, 125.0, False),
        (57.0, 118.0, True),  # a real lateral band walk: trunk median 57°, knees ~120°
    ],
)
def test_standing_needs_a_raised_trunk_and_open_knees(trunk_deg: float, knee_deg: float, is_standing: bool) -> None:
    from formcheck.analysis.lookalikes import standing

    n = 90
    series = {
        "t": np.arange(n) / 30.0,
        "la_stand": np.full(n, 0.77),
        "la_trunk_up": np.full(n, trunk_deg),
        "la_knee_min": np.full(n, knee_deg),
    }
    assert standing(series) is is_standing
