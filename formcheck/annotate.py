"""Draw the detected skeleton on a frame (the base layer every overlay builds on)."""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.landmarks import SKELETON_EDGES, Landmark
from formcheck.pose_types import PRESENCE, VISIBILITY, PoseFrame

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


# Worked out once: the live callback draws every frame (benchmarks/live_fps.py).
_EDGES = [(int(a), int(b), _colour(a, b)) for a, b in SKELETON_EDGES]
_JOINTS = [(int(j), _colour(j, j)) for j in Landmark if j > Landmark.MOUTH_RIGHT]  # face points clutter


def draw_skeleton(image: np.ndarray, pose: PoseFrame, in_place: bool = False) -> np.ndarray:
    """The RGB image with bones and joints drawn: a copy, or ``image`` itself if ``in_place``
    (for a frame nothing else reads any more: a 720p copy is ~0.5 ms)."""
    out = image if in_place else image.copy()
    if not pose.detected or pose.landmarks is None:
        return out
    points = pose.pixels().astype(int)
    seen = np.minimum(pose.landmarks[:, VISIBILITY], pose.landmarks[:, PRESENCE]) >= MIN_VISIBILITY
    height = image.shape[0]
    thickness = max(2, height // 200)
    radius = max(3, height // 120)
    for a, b, colour in _EDGES:
        if seen[a] and seen[b]:
            cv2.line(out, tuple(points[a].tolist()), tuple(points[b].tolist()), colour, thickness, cv2.LINE_AA)
    for j, colour in _JOINTS:
        if seen[j]:
            centre = tuple(points[j].tolist())
            cv2.circle(out, centre, radius, (255, 255, 255), -1, cv2.LINE_AA)
            cv2.circle(out, centre, radius, colour, max(1, thickness // 2), cv2.LINE_AA)
    return out
