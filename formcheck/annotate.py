"""Draw the detected skeleton on a frame (the base layer every overlay builds on)."""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.landmarks import SKELETON_EDGES, Landmark
from formcheck.pose_types import PoseFrame

LEFT_COLOUR = (255, 140, 0)  # RGB orange: the patient's left side
RIGHT_COLOUR = (0, 170, 255)  # RGB blue: the patient's right side
CENTRE_COLOUR = (240, 240, 240)
MIN_VISIBILITY = 0.3  # below this a joint is probably hidden; drawing it would mislead


def _colour(a: Landmark, b: Landmark) -> tuple[int, int, int]:
    names = a.name + b.name
    if "LEFT" in names and "RIGHT" not in names:
        return LEFT_COLOUR
    if "RIGHT" in names and "LEFT" not in names:
        return RIGHT_COLOUR
    return CENTRE_COLOUR


def draw_skeleton(image: np.ndarray, pose: PoseFrame) -> np.ndarray:
    """Return a copy of the RGB image with bones and joints drawn; unchanged copy if no person."""
    out = image.copy()
    if not pose.detected:
        return out
    points = pose.pixels()
    height = image.shape[0]
    thickness = max(2, height // 200)
    radius = max(3, height // 120)
    for a, b in SKELETON_EDGES:
        if pose.visibility(a) < MIN_VISIBILITY or pose.visibility(b) < MIN_VISIBILITY:
            continue
        pa = tuple(int(v) for v in points[a])
        pb = tuple(int(v) for v in points[b])
        cv2.line(out, pa, pb, _colour(a, b), thickness, cv2.LINE_AA)
    for landmark in Landmark:
        if landmark <= Landmark.MOUTH_RIGHT or pose.visibility(landmark) < MIN_VISIBILITY:
            continue  # face points clutter the picture and are not scored
        centre = tuple(int(v) for v in points[landmark])
        cv2.circle(out, centre, radius, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(out, centre, radius, _colour(landmark, landmark), max(1, thickness // 2), cv2.LINE_AA)
    return out
