"""MediaPipe BlazePose landmark names and the skeleton drawn between them.

Indices follow MediaPipe's 33-point convention. Sides are the patient's anatomical sides:
index 11/23/25 are the patient's LEFT shoulder/hip/knee.
"""

from __future__ import annotations

import functools
from enum import IntEnum

NUM_LANDMARKS = 33


class Landmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


@functools.cache  # called tens of thousands of times a minute by the live analysis
def side_landmark(side: str, joint: str) -> Landmark:
    """``side_landmark("left", "hip")`` -> Landmark.LEFT_HIP; keeps side logic out of callers."""
    return Landmark[f"{side.upper()}_{joint.upper()}"]


def mirror(landmark: Landmark) -> Landmark:
    """The same joint on the other side of the body (NOSE maps to itself)."""
    name = landmark.name
    if name.startswith("LEFT_"):
        return Landmark["RIGHT_" + name[5:]]
    if name.startswith("RIGHT_"):
        return Landmark["LEFT_" + name[6:]]
    if name == "MOUTH_LEFT":
        return Landmark.MOUTH_RIGHT
    if name == "MOUTH_RIGHT":
        return Landmark.MOUTH_LEFT
    return landmark


# Index permutation that swaps every left landmark with its right twin.
MIRROR_PERMUTATION: tuple[int, ...] = tuple(int(mirror(Landmark(i))) for i in range(NUM_LANDMARKS))

L = Landmark
SKELETON_EDGES: tuple[tuple[Landmark, Landmark], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP),
    (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
    (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL),
    (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
    (L.NOSE, L.LEFT_EYE),
    (L.NOSE, L.RIGHT_EYE),
    (L.LEFT_EYE, L.LEFT_EAR),
    (L.RIGHT_EYE, L.RIGHT_EAR),
)
