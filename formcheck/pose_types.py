"""Typed pose frames: the one data shape every later stage consumes.

A frame either holds a detected person (33 image landmarks + 33 world landmarks) or says
explicitly that nobody was found, so no stage has to guess from a missing array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.landmarks import NUM_LANDMARKS, Landmark

# Columns of PoseFrame.landmarks
X, Y, Z, VISIBILITY, PRESENCE = range(5)


@dataclass(frozen=True)
class PoseFrame:
    """One video frame's pose.

    landmarks: (33, 5) float32 — x, y in [0, 1] of image width/height (may fall outside
        when a joint is out of frame), z (MediaPipe's relative depth, same scale as x),
        visibility and presence in [0, 1]. ``None`` when no person was detected.
    world: (33, 3) float32 — metres, origin between the hips, MediaPipe's world axes.
        ``None`` when no person was detected, or when the source (another tool's track) had none.
    timestamp_s: presentation time of the frame in seconds from the start of the clip.
    image_size: (width, height) in pixels of the (rotation-corrected) frame.
    num_people: how many people the model found; the landmarks are the most prominent one's.
    """

    timestamp_s: float
    image_size: tuple[int, int]
    landmarks: np.ndarray | None = None
    world: np.ndarray | None = None
    num_people: int = 0

    def __post_init__(self) -> None:
        if self.landmarks is None and self.world is not None:
            raise ValueError("world landmarks without image landmarks")
        if self.landmarks is not None and self.landmarks.shape != (NUM_LANDMARKS, 5):
            raise ValueError(f"landmarks must be (33, 5), got {self.landmarks.shape}")
        if self.world is not None and self.world.shape != (NUM_LANDMARKS, 3):
            raise ValueError(f"world must be (33, 3), got {self.world.shape}")
        if self.landmarks is not None and self.num_people < 1:
            object.__setattr__(self, "num_people", 1)

    @property
    def detected(self) -> bool:
        return self.landmarks is not None

    @classmethod
    def empty(cls, timestamp_s: float, image_size: tuple[int, int]) -> PoseFrame:
        """A frame in which no person was found."""
        return cls(timestamp_s=timestamp_s, image_size=image_size)

    def pixel(self, landmark: Landmark) -> np.ndarray:
        """(x, y) of one landmark in pixels of the frame."""
        if self.landmarks is None:
            raise ValueError("no person in this frame")
        w, h = self.image_size
        return self.landmarks[int(landmark), :2] * np.array([w, h], dtype=np.float32)

    def pixels(self) -> np.ndarray:
        """(33, 2) landmark positions in pixels."""
        if self.landmarks is None:
            raise ValueError("no person in this frame")
        w, h = self.image_size
        return self.landmarks[:, :2] * np.array([w, h], dtype=np.float32)

    def visibility(self, landmark: Landmark) -> float:
        """How sure the model is that the landmark is in view and unoccluded (0 when no person)."""
        if self.landmarks is None:
            return 0.0
        return float(min(self.landmarks[int(landmark), VISIBILITY], self.landmarks[int(landmark), PRESENCE]))
