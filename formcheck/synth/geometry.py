"""Small vector helpers shared by the body, motion and metric code (world metres, Z up)."""

from __future__ import annotations

import numpy as np

UP = np.array([0.0, 0.0, 1.0])


def unit(v: np.ndarray) -> np.ndarray:
    """v scaled to length 1 (zero stays zero)."""
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else v * 0.0


def rotation(axis: np.ndarray, angle_rad: float) -> np.ndarray:
    """3x3 matrix turning vectors by ``angle_rad`` about ``axis`` (right-hand rule)."""
    k = unit(np.asarray(axis, dtype=float))
    x, y, z = k
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    kx = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])
    return np.eye(3) + s * kx + (1 - c) * (kx @ kx)


def rotate_about(point: np.ndarray, pivot: np.ndarray, axis: np.ndarray, angle_rad: float) -> np.ndarray:
    """``point`` turned about the line through ``pivot`` along ``axis``."""
    return pivot + rotation(axis, angle_rad) @ (point - pivot)


def angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Angle between two vectors, degrees."""
    cos = float(np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle a-b-c at b, degrees."""
    return angle_deg(a - b, c - b)


def two_bone(root: np.ndarray, target: np.ndarray, l1: float, l2: float, pole: np.ndarray) -> np.ndarray:
    """Middle joint of a two-bone chain (hip-knee-ankle, shoulder-elbow-wrist).

    The chain bends toward ``pole`` (a direction). When the target is out of reach the
    chain straightens toward it; the end joint is then not exactly on the target.
    """
    d = target - root
    dist = float(np.linalg.norm(d))
    dist = min(max(dist, abs(l1 - l2) + 1e-6), l1 + l2 - 1e-6)
    u = unit(d)
    along = (l1 * l1 - l2 * l2 + dist * dist) / (2 * dist)
    height = np.sqrt(max(l1 * l1 - along * along, 0.0))
    side = unit(pole - np.dot(pole, u) * u)
    return root + u * along + side * height


def bisect(f, lo: float, hi: float, target: float, iters: int = 40) -> float:
    """x in [lo, hi] with f(x) == target for a monotonic f (either direction)."""
    f_lo = f(lo)
    increasing = f(hi) >= f_lo
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if (f(mid) < target) == increasing:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def frame_from(forward: np.ndarray, up_hint: np.ndarray) -> np.ndarray:
    """Right-handed 3x3 frame, columns (forward, left, up), from a forward and a rough up."""
    f = unit(forward)
    up = unit(up_hint - np.dot(up_hint, f) * f)
    left = np.cross(up, f)
    return np.column_stack([f, left, up])
