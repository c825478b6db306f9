"""Which way the camera looks at the body, and which metrics that view can measure.

The view is the camera's azimuth around the body, measured in the body's own axes so that it
does not depend on the camera's height or tilt. Each exercise names its views as azimuth
centres (e.g. the bridge's "side" is 90°, its "feet" end is 0°) and says, per metric, in
which views the number is valid. A metric outside its views is reported as not measurable,
with advice on where to put the camera (docs/design.md §3: a number is only as good as its view).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.analysis.body import CAMERA_DIRECTION, Axes
from formcheck.analysis.codes import View


@dataclass(frozen=True)
class ViewSpec:
    """A named camera placement: its azimuth centre(s) in degrees and how to set it up."""

    name: View  # given as a plain string or a View; stored as a View
    azimuths_deg: tuple[float, ...]
    advice: str  # how to place the camera for this view, in plain words

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", View(self.name))


def camera_azimuth(axes: Axes, reference: str) -> float:
    """Camera azimuth in degrees around the axis normal to the floor plane of the body.

    0° = the camera looks along the body from its feet towards its head. ``reference`` names
    the body axis that gives +90°: "left" (camera looking at the patient's right side, so
    towards their left... i.e. along +left) or "front" (camera looking at the front).
    """
    v = CAMERA_DIRECTION
    x = float(np.dot(v, axes.left)) if reference == "left" else float(-np.dot(v, axes.anterior))
    return float(np.degrees(np.arctan2(x, float(np.dot(v, axes.cranial)))))


def _ang_dist(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def classify(azimuth_deg: float, views: tuple[ViewSpec, ...]) -> View:
    """The view whose azimuth centre is nearest."""
    best = min((min(_ang_dist(azimuth_deg, c) for c in v.azimuths_deg), v.name) for v in views)
    return best[1]


class ViewTracker:
    """Running view estimate over the last seconds; the camera rarely moves within a set."""

    def __init__(self, views: tuple[ViewSpec, ...], reference: str, window_s: float = 3.0) -> None:
        self.views = views
        self.reference = reference
        self.window_s = window_s
        self._history: deque[tuple[float, float, float]] = deque()  # (t, cos, sin)

    def update(self, t: float, axes: Axes | None) -> tuple[View | None, float | None]:
        if axes is not None and np.all(np.isfinite(axes.left)):
            a = np.radians(camera_azimuth(axes, self.reference))
            self._history.append((t, float(np.cos(a)), float(np.sin(a))))
        while self._history and self._history[0][0] < t - self.window_s:
            self._history.popleft()
        if not self._history:
            return None, None
        c = float(np.mean([h[1] for h in self._history]))
        s = float(np.mean([h[2] for h in self._history]))
        az = float(np.degrees(np.arctan2(s, c)))
        return classify(az, self.views), az


def clip_view(
    azimuths_deg: np.ndarray, views: tuple[ViewSpec, ...], sums: tuple[float, float] = (0.0, 0.0)
) -> tuple[View | None, float | None]:
    """The view of a whole clip: circular mean of the per-frame azimuths. ``sums``: the cosines
    and sines of earlier azimuths no longer held (a long live session folds its old frames)."""
    a = np.radians(np.asarray(azimuths_deg, float))
    a = a[np.isfinite(a)]
    c, s = float(np.sum(np.cos(a))) + sums[0], float(np.sum(np.sin(a))) + sums[1]
    if a.size == 0 and c == 0.0 and s == 0.0:
        return None, None
    az = float(np.degrees(np.arctan2(s, c)))
    return classify(az, views), az
