"""A person drawn with OpenCV at known joint positions: independent ground truth for the pose model.

Deliberately simple and separate from formcheck.synth, so the pose tests do not depend on the
renderer they are used to validate.
"""

from __future__ import annotations

import cv2
import numpy as np

# Standing figure, front view, in a 480x640 (w x h) canvas; the person's LEFT is image right.
JOINTS: dict[str, tuple[int, int]] = {
    "nose": (240, 118),
    "left_shoulder": (290, 185),
    "right_shoulder": (190, 185),
    "left_elbow": (305, 270),
    "right_elbow": (175, 270),
    "left_wrist": (312, 345),
    "right_wrist": (168, 345),
    "left_hip": (268, 350),
    "right_hip": (212, 350),
    "left_knee": (272, 460),
    "right_knee": (208, 460),
    "left_ankle": (274, 565),
    "right_ankle": (206, 565),
}
SIZE = (480, 640)  # width, height


def draw_person(joints: dict[str, tuple[int, int]] = JOINTS, size: tuple[int, int] = SIZE) -> np.ndarray:
    """RGB image of a clothed figure with a face, drawn through the given joints."""
    width, height = size
    image = np.full((height, width, 3), (214, 220, 206), np.uint8)
    skin, shirt, trousers, hair = (224, 172, 140), (46, 98, 170), (50, 54, 70), (60, 40, 30)
    j = {k: np.array(v) for k, v in joints.items()}

    def limb(a: str, b: str, colour, width_px: int) -> None:
        cv2.line(image, tuple(j[a]), tuple(j[b]), colour, width_px, cv2.LINE_AA)
        cv2.circle(image, tuple(j[b]), width_px // 2, colour, -1, cv2.LINE_AA)

    for side in ("left", "right"):
        limb(f"{side}_hip", f"{side}_knee", trousers, 40)
        limb(f"{side}_knee", f"{side}_ankle", trousers, 32)
        foot = j[f"{side}_ankle"] + np.array([0, 14])
        cv2.ellipse(image, tuple(foot), (20, 10), 0, 0, 360, (30, 30, 30), -1, cv2.LINE_AA)
    torso = np.array(
        [
            j["left_shoulder"] + [12, -6],
            j["right_shoulder"] + [-12, -6],
            j["right_hip"] + [-14, 12],
            j["left_hip"] + [14, 12],
        ],
        np.int32,
    )
    cv2.fillPoly(image, [torso], shirt, cv2.LINE_AA)
    for side in ("left", "right"):
        limb(f"{side}_shoulder", f"{side}_elbow", shirt, 30)
        limb(f"{side}_elbow", f"{side}_wrist", skin, 22)
        cv2.circle(image, tuple(j[f"{side}_wrist"] + np.array([0, 14])), 13, skin, -1, cv2.LINE_AA)
    neck_top = j["nose"] + np.array([0, 30])
    cv2.line(image, tuple(neck_top), tuple((j["left_shoulder"] + j["right_shoulder"]) // 2), skin, 26)
    head = j["nose"] - np.array([0, 8])
    cv2.ellipse(image, tuple(head), (36, 46), 0, 0, 360, skin, -1, cv2.LINE_AA)
    cv2.ellipse(image, tuple(head - np.array([0, 22])), (38, 28), 0, 180, 360, hair, -1, cv2.LINE_AA)
    for dx in (-15, 15):
        eye = head + np.array([dx, -6])
        cv2.ellipse(image, tuple(eye), (7, 4), 0, 0, 360, (250, 250, 250), -1, cv2.LINE_AA)
        cv2.circle(image, tuple(eye), 3, (40, 30, 20), -1, cv2.LINE_AA)
        cv2.line(image, tuple(eye + [-8, -10]), tuple(eye + [8, -10]), hair, 2, cv2.LINE_AA)
        cv2.ellipse(image, tuple(head + np.array([2 * dx + dx // 5, 0])), (5, 10), 0, 0, 360, skin, -1)
    cv2.line(image, tuple(head + [0, -2]), tuple(head + [-3, 12]), (190, 130, 105), 2, cv2.LINE_AA)
    cv2.ellipse(image, tuple(head + [0, 24]), (11, 4), 0, 0, 180, (170, 70, 70), 2, cv2.LINE_AA)
    return image
