"""Finding a person who is small in the picture: a phone 3-4 m away with a wide lens.

MediaPipe's detector looks at the whole frame shrunk to 224 px, where such a person is a few
pixels tall and is not found at all: the clip is refused with "No person was found". When the
tracker has nobody for a while, the frame is searched in overlapping half-size crops (each
seen by the detector at twice the scale); if someone is found, the tracker is fed a crop around
them from then on, and their landmarks are mapped back to the whole frame. People who fill the
frame never pay for this: it runs only after ``ZoomSettings.after_misses`` frames without anyone.

Why a crop is only a rescue, and the numbers: docs/design.md, "A person too small for the
detector is found by zooming in"; docs/exercises.md, "Results, 2 December 2026 (third
session): zooming in on a small person".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import mediapipe as mp
import numpy as np

from formcheck.pose_types import PoseFrame

# Tiles per axis of the search grid: half-size crops at steps of a quarter frame.
SEARCH_STEPS = 3
# The crop fed to the tracker: this many times the person's box (room for a leg to swing out),
# but never smaller than 1 / MAX_ZOOM of the frame; no zoom when it would cover most of it.
BOX_MARGIN = 2.5
MAX_ZOOM = 3.0
MIN_USEFUL_ZOOM = 1.3


@dataclass(frozen=True)
class ZoomSettings:
    # Search after this many frames in a row without a person (1/3 s at 30 fps: a clip's lead-in
    # before the first rep is usually longer) ...
    after_misses: int = 10
    # ... and again at most every this many frames while nobody is found (a search costs about
    # as much as 5-9 frames of tracking).
    search_every: int = 60
    # Give the crop up after this many frames in a row without a person in it.
    drop_after_misses: int = 45


@dataclass(frozen=True)
class Crop:
    """A window of the frame, in pixels."""

    x0: int
    y0: int
    width: int
    height: int

    def of(self, image: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(image[self.y0 : self.y0 + self.height, self.x0 : self.x0 + self.width])

    def to_full_frame(self, frame: PoseFrame, full_size: tuple[int, int]) -> PoseFrame:
        """The crop's pose in the whole frame's normalised coordinates (world landmarks are
        metric and do not depend on the crop)."""
        if frame.landmarks is None:
            return replace(frame, image_size=full_size)
        w, h = full_size
        lm = frame.landmarks.copy()
        lm[:, 0] = (lm[:, 0] * self.width + self.x0) / w
        lm[:, 1] = (lm[:, 1] * self.height + self.y0) / h
        lm[:, 2] = lm[:, 2] * self.width / w  # z is on the scale of x
        return replace(frame, landmarks=lm, image_size=full_size)


# Runs the detector on one picture and returns the landmarks (33, 2) in that picture's
# normalised coordinates, or None.
Detect = Callable[[mp.Image], "np.ndarray | None"]


def search_tiles(image: np.ndarray, detect: Detect) -> np.ndarray | None:
    """The landmarks (33, 2), in pixels of the whole frame, of the largest person found in the
    half-size crops of ``image``; None if nobody is."""
    height, width = image.shape[:2]
    cw, ch = width // 2, height // 2
    best: tuple[float, np.ndarray] | None = None
    for y0 in np.linspace(0, height - ch, SEARCH_STEPS).astype(int):
        for x0 in np.linspace(0, width - cw, SEARCH_STEPS).astype(int):
            tile = Crop(int(x0), int(y0), cw, ch).of(image)
            found = detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=tile))
            if found is None:
                continue
            points = found * [cw, ch] + [x0, y0]
            span = points.max(axis=0) - points.min(axis=0)
            area = float(span[0] * span[1])
            if best is None or area > best[0]:
                best = (area, points)
    return None if best is None else best[1]


def crop_around(points: np.ndarray, frame_size: tuple[int, int]) -> Crop | None:
    """A window with the frame's shape around a person's landmarks (pixels); None when it would
    hardly zoom (the person is not small: the search found them for another reason)."""
    width, height = frame_size
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2
    aspect = width / height
    span_w = max(float(hi[0] - lo[0]), float(hi[1] - lo[1]) * aspect) * BOX_MARGIN
    cw = max(span_w, width / MAX_ZOOM)
    if cw * MIN_USEFUL_ZOOM > width:
        return None
    ch = cw / aspect
    x0 = float(np.clip(centre[0] - cw / 2, 0, width - cw))
    y0 = float(np.clip(centre[1] - ch / 2, 0, height - ch))
    return Crop(int(round(x0)), int(round(y0)), int(round(cw)), int(round(ch)))
