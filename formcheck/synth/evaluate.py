"""How well the pose model sees a synthetic clip: detection rate and 2D error against the truth.

Errors are Euclidean distances in the image, as a fraction of the image HEIGHT, over the
hips, knees and ankles. MediaPipe often swaps left/right labels on lying or side-on bodies,
so a swap-tolerant error (per frame, the better of the labels as given or mirrored) is
reported next to the label-faithful one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from formcheck.landmarks import MIRROR_PERMUTATION
from formcheck.landmarks import Landmark as L
from formcheck.pose_types import PoseFrame
from formcheck.synth.truth import ClipTruth

KEY_LANDMARKS = (L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)


@dataclass
class DetectionErrors:
    """Per-frame detections and per-(frame, key landmark) errors of one or more clips."""

    frames: int = 0
    detected: int = 0
    errors: list[np.ndarray] = None  # label-faithful, (6,) per detected frame
    errors_swap: list[np.ndarray] = None  # swap-tolerant
    visible: list[np.ndarray] = None  # truth visibility of the key landmarks

    def __post_init__(self) -> None:
        self.errors, self.errors_swap, self.visible = [], [], []

    def add(self, truth: ClipTruth, poses: Iterable[PoseFrame]) -> DetectionErrors:
        w, h = truth.image_size
        scale = np.array([w / h, 1.0])  # normalised x,y -> fractions of the image height
        key = list(KEY_LANDMARKS)
        swapped = [MIRROR_PERMUTATION[i] for i in key]
        for f, pose in zip(truth.frames, poses, strict=True):
            self.frames += 1
            if not pose.detected:
                continue
            self.detected += 1
            pred = pose.landmarks[:, :2]
            e = np.linalg.norm((pred[key] - f.landmarks_2d[key]) * scale, axis=1)
            es = np.linalg.norm((pred[swapped] - f.landmarks_2d[key]) * scale, axis=1)
            self.errors.append(e)
            self.errors_swap.append(es if es.mean() < e.mean() else e)
            self.visible.append(f.visible_2d[key])
        return self

    @property
    def detection_rate(self) -> float:
        return self.detected / self.frames if self.frames else float("nan")

    def median_error(self, swap_tolerant: bool = False, visible_only: bool = False) -> float:
        errs = self.errors_swap if swap_tolerant else self.errors
        if not errs:
            return float("nan")
        e = np.concatenate(errs)
        if visible_only:
            e = e[np.concatenate(self.visible)]
        return float(np.median(e)) if e.size else float("nan")
