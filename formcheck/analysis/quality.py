"""Is the picture good enough for the numbers? Warnings about picture size, light and detection.

A tiny picture, a dark room or a pose model unsure of the joints all give counts and angles
that look as confident as good ones. The session's result carries a warning then (issue 10,
class 9), in the patient's words, with what to change. Measured per frame and judged over
the clip (the median), so a few bad frames do not warn.

Thresholds, physically motivated and checked on the real clips (benchmarks/real_footage.py):
- Size: the picture's short side, and the body's extent (the longest side of the box around the
  shoulders, hips, knees and ankles) in pixels. The landmarker looks at a 256 px crop of the
  person, so a picture under 240 px (below the smallest common video size) or a body under
  40 px is upsampled and the joints are guessed from a blur. Real clips: short side 412-1080 px,
  body 208-932 px; renders through the model counted right down to a 50 px body in a 480x360
  picture (a 160x90 picture did not).
- Confidence: the model's visibility of the shoulders, hips and knees (best side). Real clips
  read 0.97-1.00 in the median; under 0.8 the model is guessing.
- Detection: a person found in fewer than 80 % of the frames (real clips: 96-100 %).
- Light: the mean brightness of the picture, 0-255 (measured where the pixels are, in the
  pipeline): under 40 is a dark room; the pose model loses joints there.
"""

from __future__ import annotations

import numpy as np

from formcheck.analysis.body import SIDES, Body
from formcheck.landmarks import side_landmark

MIN_SHORT_SIDE_PX = 240
MIN_BODY_PX = 40.0
EXTENT_JOINTS = ("shoulder", "hip", "knee", "ankle")
MIN_CONFIDENCE = 0.8
MIN_DETECTED_SHARE = 0.8
MIN_BRIGHTNESS = 40.0
CONFIDENCE_JOINTS = ("shoulder", "hip", "knee")


class QualityTally:
    """Per-frame picture quality, summed up into warnings at the end of a session."""

    def __init__(self) -> None:
        self.frames = 0
        self.detected = 0
        self.body_px: list[float] = []
        self.confidence: list[float] = []
        self.image_size: tuple[int, int] | None = None

    def add(self, image_size: tuple[int, int], body: Body | None) -> None:
        self.frames += 1
        self.image_size = image_size
        if body is None:
            return
        self.detected += 1
        pts = np.array([body.j2(side, j) for side in SIDES for j in EXTENT_JOINTS])
        extent = float(np.max(pts.max(axis=0) - pts.min(axis=0)))
        if np.isfinite(extent):
            self.body_px.append(extent)
        conf = [max(float(body.vis[int(side_landmark(s, j))]) for s in SIDES) for j in CONFIDENCE_JOINTS]
        self.confidence.append(float(np.mean(conf)))

    def warnings(self) -> list[str]:
        out = []
        size = f" ({self.image_size[0]}×{self.image_size[1]} pixels)" if self.image_size else ""
        small_picture = self.image_size is not None and min(self.image_size) < MIN_SHORT_SIDE_PX
        small_body = bool(self.body_px) and float(np.median(self.body_px)) < MIN_BODY_PX
        if small_picture or small_body:
            out.append(
                f"The picture is too small{size} for reliable numbers. Film at a higher resolution "
                "or move the camera closer, so that you fill more of the picture."
            )
        if self.frames >= 10 and self.detected < MIN_DETECTED_SHARE * self.frames:
            share = 100.0 * self.detected / self.frames
            out.append(
                f"I found you in only {share:.0f}% of the frames, so the count may be wrong. "
                "Film in good light with your whole body in the picture."
            )
        if self.confidence and float(np.median(self.confidence)) < MIN_CONFIDENCE:
            out.append(
                "The pose model was unsure where your joints were, so the numbers may be wrong. "
                "Film in good light, closer, with your whole body in the picture."
            )
        return out


# Found only in a zoomed crop in at least this share of the frames (formcheck/zoom.py): the
# person is far away, and a crop tracked the renders' fire hydrants worse than the whole frame.
MIN_ZOOMED_SHARE = 0.1


def zoom_warning(zoomed_frames: int, frames: int) -> str | None:
    """The warning for a clip in which the person was found only by zooming in (None if rarely)."""
    if frames and zoomed_frames >= MIN_ZOOMED_SHARE * frames:
        return (
            "You were far from the camera, so I had to zoom in to find you, and the numbers may be "
            "less exact. Put the phone about 2 m away, so that you fill most of the picture."
        )
    return None


def brightness(image: np.ndarray) -> float:
    """Mean brightness (0-255) of an RGB frame, from every 8th pixel (cheap)."""
    return float(image[::8, ::8].mean())


def light_warning(levels: list[float]) -> str | None:
    """The warning for a clip whose frames had these brightness levels (None if light enough)."""
    if levels and float(np.median(levels)) < MIN_BRIGHTNESS:
        return (
            "The video is very dark, so the count and the angles may be wrong. Turn on a light or film near a window."
        )
    return None
