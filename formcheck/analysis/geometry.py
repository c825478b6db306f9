"""Angles and lines from landmark coordinates, in 2D (image pixels) or 3D (world metres).

Pure functions on numpy arrays, so every metric is testable without a pose model.
"""

from __future__ import annotations

import numpy as np


def angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle a-b-c at vertex b in degrees (0..180), for 2D or 3D points."""
    return angle_between(np.asarray(a, float) - b, np.asarray(c, float) - b)


def angle_between(u: np.ndarray, v: np.ndarray) -> float:
    """Unsigned angle between two vectors in degrees (0..180); NaN for a zero vector."""
    u = np.asarray(u, float)
    v = np.asarray(v, float)
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu < 1e-9 or nv < 1e-9:
        return float("nan")
    cos = float(np.dot(u, v) / (nu * nv))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, float)
    n = np.linalg.norm(v)
    return v / n if n > 1e-12 else v * np.nan


def reject(v: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """The part of ``v`` perpendicular to ``axis`` (projection onto the plane normal to it)."""
    a = unit(axis)
    v = np.asarray(v, float)
    return v - np.dot(v, a) * a
