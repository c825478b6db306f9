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


def signed_angle_in_plane(u: np.ndarray, v: np.ndarray, normal: np.ndarray) -> float:
    """Angle from u to v (degrees, -180..180) after projecting both onto the plane of ``normal``.

    Positive when the turn u->v is counter-clockwise seen from the tip of ``normal``.
    """
    n = unit(normal)
    pu, pv = reject(u, n), reject(v, n)
    if np.linalg.norm(pu) < 1e-9 or np.linalg.norm(pv) < 1e-9:
        return float("nan")
    return float(np.degrees(np.arctan2(np.dot(np.cross(pu, pv), n), np.dot(pu, pv))))


def tilt_from_horizontal_2d(a: np.ndarray, b: np.ndarray) -> float:
    """Image-plane tilt of line a->b in degrees; + when b is LOWER in the image than a.

    Image y grows downwards, so "lower on screen" is larger y. Result in -90..90.
    """
    d = np.asarray(b, float)[:2] - np.asarray(a, float)[:2]
    if abs(d[0]) < 1e-9 and abs(d[1]) < 1e-9:
        return float("nan")
    ang = float(np.degrees(np.arctan2(d[1], abs(d[0]))))
    return ang


def midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.asarray(a, float) + np.asarray(b, float)) / 2.0
