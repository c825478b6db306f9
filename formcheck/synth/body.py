"""Adult body proportions, the posed skeleton, and the 33 MediaPipe landmarks that follow from it.

Proportions follow the usual anthropometric fractions of standing height (Drillis/Winter
segment tables), so one ``height_m`` sets a plausible adult. The skeleton is a set of joint
centres plus orientation frames for the head, hands and feet; the face, hand and foot
landmarks are fixed offsets in those frames, so the renderer and the landmarks can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck.landmarks import NUM_LANDMARKS, Landmark
from formcheck.synth.geometry import unit

SIDES = ("l", "r")


@dataclass(frozen=True)
class Body:
    """Segment lengths and radii (metres) of an adult of ``height_m``; ``build`` widens the body.

    The population knobs (all 1.0 / None by default, which is the standard adult): ``*_scale``
    stretch one segment relative to height, ``hip_width_m`` sets the distance between the hip
    joint centres (default 0.22 m x height/1.70 x build), ``girth`` thickens limbs and trunk.
    """

    height_m: float = 1.70
    build: float = 1.0
    trunk_scale: float = 1.0
    thigh_scale: float = 1.0
    shank_scale: float = 1.0
    arm_scale: float = 1.0
    hip_width_m: float | None = None
    girth: float = 1.0

    @property
    def k(self) -> float:
        return self.height_m / 1.70

    # Lengths scale with height, widths and girths also with build.
    @property
    def hip_half(self) -> float:
        if self.hip_width_m is not None:
            return 0.5 * self.hip_width_m
        return 0.11 * self.k * self.build

    @property
    def shoulder_half(self) -> float:
        return 0.15 * self.k * self.build

    @property
    def trunk(self) -> float:
        """Mid-hip to mid-shoulder."""
        return 0.50 * self.k * self.trunk_scale

    @property
    def neck(self) -> float:
        """Mid-shoulder to the head centre, along the trunk axis."""
        return 0.20 * self.k

    @property
    def head_radii(self) -> np.ndarray:
        """Head ellipsoid semi-axes along (forward, left, up)."""
        return np.array([0.100, 0.080, 0.115]) * self.k

    @property
    def thigh(self) -> float:
        return 0.42 * self.k * self.thigh_scale

    @property
    def shank(self) -> float:
        return 0.42 * self.k * self.shank_scale

    @property
    def ankle_height(self) -> float:
        return 0.075 * self.k

    @property
    def foot(self) -> float:
        """Heel to toe tip."""
        return 0.25 * self.k

    @property
    def upper_arm(self) -> float:
        return 0.30 * self.k * self.arm_scale

    @property
    def forearm(self) -> float:
        return 0.25 * self.k * self.arm_scale

    @property
    def hand(self) -> float:
        """Wrist to middle fingertip."""
        return 0.18 * self.k

    def r(self, part: str) -> float:
        """Girth (capsule radius) of a body part, metres."""
        base = {
            "thigh_top": 0.080,
            "thigh_low": 0.056,
            "shank_top": 0.052,
            "shank_low": 0.036,
            "upper_arm": 0.044,
            "forearm": 0.036,
            "neck": 0.050,
        }[part]
        return base * self.k * self.build * self.girth


@dataclass
class Skeleton:
    """A posed body in world metres (Z up).

    points: joint centres keyed like ``"l_knee"``, plus ``"head"`` (head centre).
    frames: 3x3 column frames (forward, left, up) keyed ``"head"``, ``"l_hand"``,
        ``"l_foot"``..., telling which way the face, palms and feet point. For a hand,
        forward = toward the fingers, up = back of the hand, left = the patient's left
        when the palm faces down on the floor (the thumb side of the right hand).
    """

    points: dict[str, np.ndarray] = field(default_factory=dict)
    frames: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.points[name]

    def __setitem__(self, name: str, value: np.ndarray) -> None:
        self.points[name] = np.asarray(value, dtype=float)

    def copy(self) -> Skeleton:
        return Skeleton({k: v.copy() for k, v in self.points.items()}, {k: v.copy() for k, v in self.frames.items()})

    def mirrored(self) -> Skeleton:
        """The mirror image across the world XZ plane (y -> -y), with left and right swapped.

        Used to make a right-sided exercise from the left-sided one: the floor stays put
        and every anatomical label stays true.
        """
        flip = np.diag([1.0, -1.0, 1.0])

        def swap(name: str) -> str:
            if name.startswith("l_"):
                return "r_" + name[2:]
            if name.startswith("r_"):
                return "l_" + name[2:]
            return name

        points = {swap(k): flip @ v for k, v in self.points.items()}
        # Reflect each axis; the "left" axis must then be negated to still point to the patient's left.
        frames = {swap(k): flip @ v @ np.diag([1.0, -1.0, 1.0]) for k, v in self.frames.items()}
        return Skeleton(points, frames)

    def mid(self, joint: str) -> np.ndarray:
        return 0.5 * (self.points["l_" + joint] + self.points["r_" + joint])


def face_points(skel: Skeleton, body: Body) -> dict[str, np.ndarray]:
    """Face feature centres on the head surface: eyes, nose tip, mouth corners, ears."""
    c = skel["head"]
    f, left, u = skel.frames["head"].T
    rf, rl, ru = body.head_radii

    def on_surface(df: float, dl: float, du: float) -> np.ndarray:
        # Scale a direction in head coordinates so it lands on the ellipsoid surface.
        d = np.array([df, dl, du])
        s = 1.0 / np.sqrt((d[0] / rf) ** 2 + (d[1] / rl) ** 2 + (d[2] / ru) ** 2)
        d = d * s
        return c + f * d[0] + left * d[1] + u * d[2]

    out: dict[str, np.ndarray] = {}
    for sign, side in ((1.0, "l"), (-1.0, "r")):
        out[f"{side}_eye"] = on_surface(0.80, sign * 0.34, 0.22)
        out[f"{side}_eye_inner"] = on_surface(0.86, sign * 0.20, 0.22)
        out[f"{side}_eye_outer"] = on_surface(0.70, sign * 0.50, 0.22)
        out[f"{side}_mouth"] = on_surface(0.80, sign * 0.20, -0.45)
        out[f"{side}_ear"] = c + left * sign * rl * 1.02 - f * rf * 0.08 + u * ru * 0.02
    out["nose"] = on_surface(1.0, 0.0, -0.08) + f * 0.022 * body.k
    return out


def hand_points(skel: Skeleton, body: Body, side: str) -> dict[str, np.ndarray]:
    """Index, pinky and thumb tips from the wrist and the hand frame."""
    w = skel[f"{side}_wrist"]
    fwd, left, _up = skel.frames[f"{side}_hand"].T
    thumb_dir = left if side == "r" else -left  # thumb points medially for a palm-down hand
    h = body.hand
    return {
        "index": w + fwd * 0.92 * h + thumb_dir * 0.025 * body.k,
        "pinky": w + fwd * 0.75 * h - thumb_dir * 0.035 * body.k,
        "thumb": w + fwd * 0.45 * h + thumb_dir * 0.06 * body.k,
    }


def foot_points(skel: Skeleton, body: Body, side: str) -> dict[str, np.ndarray]:
    """Heel and toe tip from the ankle and the foot frame."""
    a = skel[f"{side}_ankle"]
    fwd, _left, up = skel.frames[f"{side}_foot"].T
    heel = a - fwd * 0.055 * body.k - up * 0.055 * body.k
    toe = heel + fwd * body.foot + up * 0.015 * body.k
    return {"heel": heel, "toe": toe}


_LANDMARK_SOURCES: dict[Landmark, str] = {
    Landmark.NOSE: "nose",
    Landmark.LEFT_EYE_INNER: "l_eye_inner",
    Landmark.LEFT_EYE: "l_eye",
    Landmark.LEFT_EYE_OUTER: "l_eye_outer",
    Landmark.RIGHT_EYE_INNER: "r_eye_inner",
    Landmark.RIGHT_EYE: "r_eye",
    Landmark.RIGHT_EYE_OUTER: "r_eye_outer",
    Landmark.LEFT_EAR: "l_ear",
    Landmark.RIGHT_EAR: "r_ear",
    Landmark.MOUTH_LEFT: "l_mouth",
    Landmark.MOUTH_RIGHT: "r_mouth",
    Landmark.LEFT_SHOULDER: "l_shoulder",
    Landmark.RIGHT_SHOULDER: "r_shoulder",
    Landmark.LEFT_ELBOW: "l_elbow",
    Landmark.RIGHT_ELBOW: "r_elbow",
    Landmark.LEFT_WRIST: "l_wrist",
    Landmark.RIGHT_WRIST: "r_wrist",
    Landmark.LEFT_PINKY: "l_pinky",
    Landmark.RIGHT_PINKY: "r_pinky",
    Landmark.LEFT_INDEX: "l_index",
    Landmark.RIGHT_INDEX: "r_index",
    Landmark.LEFT_THUMB: "l_thumb",
    Landmark.RIGHT_THUMB: "r_thumb",
    Landmark.LEFT_HIP: "l_hip",
    Landmark.RIGHT_HIP: "r_hip",
    Landmark.LEFT_KNEE: "l_knee",
    Landmark.RIGHT_KNEE: "r_knee",
    Landmark.LEFT_ANKLE: "l_ankle",
    Landmark.RIGHT_ANKLE: "r_ankle",
    Landmark.LEFT_HEEL: "l_heel",
    Landmark.RIGHT_HEEL: "r_heel",
    Landmark.LEFT_FOOT_INDEX: "l_toe",
    Landmark.RIGHT_FOOT_INDEX: "r_toe",
}


def named_points(skel: Skeleton, body: Body) -> dict[str, np.ndarray]:
    """Every named point: joints plus face, hand and foot points."""
    pts = dict(skel.points)
    pts.update(face_points(skel, body))
    for side in SIDES:
        pts.update({f"{side}_{k}": v for k, v in hand_points(skel, body, side).items()})
        pts.update({f"{side}_{k}": v for k, v in foot_points(skel, body, side).items()})
    return pts


def landmarks_3d(skel: Skeleton, body: Body) -> np.ndarray:
    """(33, 3) world metres in MediaPipe landmark order."""
    pts = named_points(skel, body)
    out = np.zeros((NUM_LANDMARKS, 3))
    for lm, name in _LANDMARK_SOURCES.items():
        out[int(lm)] = pts[name]
    return out


def limb_frame(forward: np.ndarray, up_hint: np.ndarray) -> np.ndarray:
    """Frame (forward, left, up) for a hand or foot from its pointing direction and back/dorsum."""
    f = unit(forward)
    up = unit(up_hint - np.dot(up_hint, f) * f)
    return np.column_stack([f, np.cross(up, f), up])
