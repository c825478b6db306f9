"""Truth metrics computed from 3D landmarks, exactly as agreed with the analyzer (docs/design.md §3).

All take (33, 3) world landmarks (metres, Z up) and, where the metric is relative to the
start posture, the landmarks of the clip's first (rest) frame. ``side`` is the working side.

Every frame has ``primary_angle_deg`` and ``pelvis_tilt_deg``; the latter is the exercise's
pelvis metric: bridge = ``pelvic_drop_deg``, clamshell = ``pelvis_rollback_deg``, fire
hydrant = ``pelvic_tilt_deg``.
"""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import Landmark as L
from formcheck.landmarks import side_landmark
from formcheck.synth.geometry import UP, angle_deg, joint_angle_deg, unit


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def _pt(lm: np.ndarray, side: str, joint: str) -> np.ndarray:
    return lm[int(side_landmark(side, joint))]


def bridge_metrics(lm: np.ndarray, rest: np.ndarray, side: str) -> dict[str, float]:
    """primary = hip extension: mean of the left and right 3D shoulder-hip-knee angles.

    pelvic_drop_deg: angle of the hip line (left hip -> right hip) from horizontal,
    + = patient's right hip lower. knee_separation_cm / hip_width_cm: 3D distances.
    """
    angles = [joint_angle_deg(_pt(lm, s, "shoulder"), _pt(lm, s, "hip"), _pt(lm, s, "knee")) for s in ("left", "right")]
    v = lm[L.RIGHT_HIP] - lm[L.LEFT_HIP]
    drop = float(np.degrees(np.arctan2(-v[2], np.linalg.norm(v[:2]))))
    return {
        "primary_angle_deg": float(np.mean(angles)),
        "pelvis_tilt_deg": drop,
        "pelvic_drop_deg": drop,
        "knee_separation_cm": float(np.linalg.norm(lm[L.LEFT_KNEE] - lm[L.RIGHT_KNEE]) * 100),
        "hip_width_cm": float(np.linalg.norm(v) * 100),
    }


def _body_axes(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(anterior, left, superior) unit axes of the trunk from hips and shoulders."""
    mid_hip = 0.5 * (lm[L.LEFT_HIP] + lm[L.RIGHT_HIP])
    mid_sh = 0.5 * (lm[L.LEFT_SHOULDER] + lm[L.RIGHT_SHOULDER])
    sup = unit(mid_sh - mid_hip)
    left = lm[L.LEFT_HIP] - lm[L.RIGHT_HIP]
    left = unit(left - np.dot(left, sup) * sup)
    return np.cross(left, sup), left, sup


def clamshell_metrics(lm: np.ndarray, rest: np.ndarray, side: str) -> dict[str, float]:
    """primary = opening: 3D angle between the two thighs (hip -> knee vectors).

    pelvis_rollback_deg: rotation of the hip line (bottom hip -> top hip) about the body's
    long axis, relative to the rest frame's orientation (axes from the rest frame's hips and
    shoulders); + = the top hip rolls backward. feet_separation_cm: ankle-to-ankle distance.
    """
    top, bottom = side, _other(side)
    opening = angle_deg(_pt(lm, top, "knee") - _pt(lm, top, "hip"), _pt(lm, bottom, "knee") - _pt(lm, bottom, "hip"))
    ant0, left0, _sup0 = _body_axes(rest)
    up0 = left0 if side == "left" else -left0  # toward the top hip at rest

    def roll(points: np.ndarray) -> float:
        v = _pt(points, top, "hip") - _pt(points, bottom, "hip")
        return float(np.degrees(np.arctan2(-np.dot(v, ant0), np.dot(v, up0))))

    rollback = roll(lm) - roll(rest)
    return {
        "primary_angle_deg": opening,
        "pelvis_tilt_deg": rollback,
        "pelvis_rollback_deg": rollback,
        "feet_separation_cm": float(np.linalg.norm(lm[L.LEFT_ANKLE] - lm[L.RIGHT_ANKLE]) * 100),
    }


def fire_hydrant_metrics(lm: np.ndarray, rest: np.ndarray, side: str) -> dict[str, float]:
    """primary = abduction of the working thigh (hip -> knee) from vertical, in the frontal plane.

    The frontal plane is spanned by vertical and the body's horizontal left-right axis (the
    rest hip line, made horizontal). + = knee out to the working side.
    trunk_shift_cm: shoulder midpoint's move along that axis away from the working leg since rest.
    pelvic_tilt_deg: hip line (support hip -> working hip) from horizontal in that plane, + = working hip up.
    knee_angle_deg: 3D hip-knee-ankle angle of the working leg.
    """
    work, support = side, _other(side)
    lat = _pt(rest, work, "hip") - _pt(rest, support, "hip")
    lat = unit(lat - np.dot(lat, UP) * UP)  # horizontal, toward the working side
    thigh = _pt(lm, work, "knee") - _pt(lm, work, "hip")
    abduction = float(np.degrees(np.arctan2(np.dot(thigh, lat), -np.dot(thigh, UP))))
    sh_mid = 0.5 * (lm[L.LEFT_SHOULDER] + lm[L.RIGHT_SHOULDER])
    sh_mid0 = 0.5 * (rest[L.LEFT_SHOULDER] + rest[L.RIGHT_SHOULDER])
    hip_line = _pt(lm, work, "hip") - _pt(lm, support, "hip")
    tilt = float(np.degrees(np.arctan2(np.dot(hip_line, UP), np.dot(hip_line, lat))))
    return {
        "primary_angle_deg": abduction,
        "pelvis_tilt_deg": tilt,
        "trunk_shift_cm": float(-np.dot(sh_mid - sh_mid0, lat) * 100),
        "pelvic_tilt_deg": tilt,
        "knee_angle_deg": joint_angle_deg(_pt(lm, work, "hip"), _pt(lm, work, "knee"), _pt(lm, work, "ankle")),
    }


METRICS = {"bridge": bridge_metrics, "clamshell": clamshell_metrics, "fire_hydrant": fire_hydrant_metrics}


def truth_metrics(exercise: str, lm: np.ndarray, rest: np.ndarray, side: str) -> dict[str, float]:
    """Per-frame truth metrics; always includes primary_angle_deg and pelvis_tilt_deg."""
    return METRICS[exercise](lm, rest, side)
