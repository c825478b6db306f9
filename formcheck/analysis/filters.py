"""Smoothing: a low-latency One-Euro filter for live use, a zero-phase filter for files.

Live (webcam): the One-Euro filter (Casiez et al., CHI 2012) adapts its cut-off to speed, so it
removes jitter at rest without lagging a moving limb. It is written here rather than taken from
PyPI because the one package there (``oneeurofilter``) filters one scalar per object and call;
we filter whole (33, k) landmark arrays at once, which is a dozen lines of numpy.

Files: there is no latency budget, so we use scipy's Savitzky-Golay filter, which is
zero-phase (a centred window): peaks keep their height and timing, which matters for the
peak angle and the hold time.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import medfilt, savgol_filter


class OneEuroFilter:
    """Vectorised One-Euro filter over arrays of any fixed shape, with explicit timestamps.

    min_cutoff (Hz) sets smoothing at rest; beta raises the cut-off with speed (less lag when
    moving); d_cutoff (Hz) smooths the speed estimate itself. NaNs reset the affected entries.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.05, d_cutoff: float = 1.0) -> None:
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def reset(self) -> None:
        self._x = self._dx = self._t = None

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self._x is None or self._t is None or self._x.shape != x.shape or t <= self._t:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        prev = np.where(np.isnan(self._x), x, self._x)
        dx = (x - prev) / dt
        a_d = self._alpha(self.d_cutoff, dt)
        dx_hat = a_d * dx + (1.0 - a_d) * np.nan_to_num(self._dx)
        cutoff = self.min_cutoff + self.beta * np.abs(dx_hat)
        a = self._alpha(cutoff, dt)
        x_hat = a * x + (1.0 - a) * prev
        x_hat = np.where(np.isnan(x), np.nan, x_hat)
        self._x, self._dx, self._t = x_hat, dx_hat, t
        return x_hat


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The ``(start, stop)`` index ranges (stop exclusive) where a boolean series is True."""
    edges = np.diff(np.concatenate(([0], np.asarray(mask, dtype=np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def fill_gaps(values: np.ndarray, max_gap: int = 15) -> np.ndarray:
    """Linearly interpolate NaN runs of at most ``max_gap`` samples (longer gaps stay NaN)."""
    y = np.asarray(values, dtype=float).copy()
    nan = np.isnan(y)
    if not nan.any() or nan.all():
        return y
    idx = np.arange(len(y))
    filled = np.interp(idx, idx[~nan], y[~nan])
    for start, stop in true_runs(nan):
        # long gaps, and leading or trailing NaNs, stay unfilled
        if stop - start <= max_gap and start > 0 and stop < len(y):
            y[start:stop] = filled[start:stop]
    return y


def zero_phase_smooth(values: np.ndarray, fps: float, window_s: float = 0.25, polyorder: int = 2) -> np.ndarray:
    """Savitzky-Golay smoothing of a 1-D series sampled at ``fps``; NaN gaps are respected.

    A 0.25 s window removes frame-to-frame landmark jitter (MediaPipe's is mostly above 5 Hz)
    while keeping the shape of a rep, whose phases last 0.5 s or more.
    """
    y = np.asarray(values, dtype=float)
    y = fill_gaps(np.where(np.isfinite(y), y, np.nan))
    out = np.full_like(y, np.nan)
    window = max(polyorder + 2, int(round(window_s * fps)) | 1)
    finite = ~np.isnan(y)
    # smooth each finite run separately so a gap does not smear values across it
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(int), [0]])))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        seg = y[start:stop]
        if len(seg) > window:
            # A 5-sample median first: the pose model sometimes throws one or two frames far off
            # as a limb starts or stops moving (renders: a 7° spike at the end of a lift), and a
            # spike would otherwise become the rep's "peak". Median and Savitzky-Golay are both
            # centred, so the result stays zero-phase.
            seg = medfilt(seg, 5)
            out[start:stop] = savgol_filter(seg, window, polyorder, mode="interp")
        else:
            out[start:stop] = seg
    return out
