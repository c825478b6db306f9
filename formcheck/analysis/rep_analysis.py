"""One counted rep, analysed: its timing, its metrics at the top, its faults and its score.

The engine calls ``analyse_rep`` when the state machine completes a rep: live on the One-Euro
series as the rep ends, and for files once more over the zero-phase series in ``finish``.
``RestTracker`` keeps the rest reference that relative metrics and faults are measured from.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from formcheck.analysis.exercises.base import ExerciseSpec, FaultSpec, RepWindow
from formcheck.analysis.exercises.common import SHORT_HOLD_S
from formcheck.analysis.filters import true_runs
from formcheck.analysis.reps import RawRep, RepTiming, time_rep
from formcheck.analysis.result import FaultHit, RepResult
from formcheck.analysis.scoring import rep_score

Series = dict[str, np.ndarray]  # per-frame series by key, plus "t"


def measurable(spec: ExerciseSpec, key: str | None, view: str | None) -> bool:
    """Whether the metric ``key`` is reported from ``view`` (an unknown view or no metric: yes)."""
    return spec.reports(key, view)


def rep_side(spec: ExerciseSpec, side_mode: str, signs: np.ndarray) -> str:
    """The working side: "both" for a bilateral exercise, the given side, or the mean sign."""
    if not spec.unilateral:
        return "both"
    if side_mode != "auto":
        return side_mode
    v = signs[np.isfinite(signs)]
    if v.size == 0:
        return "unknown"
    return "left" if float(np.mean(v)) > 0 else "right"


@dataclass(frozen=True)
class RepSpan:
    """Where a rep lies in the series: its timing, the top and movement masks, its side."""

    timing: RepTiming
    top: np.ndarray  # bool mask over the series: the top (hold) of the rep
    move: np.ndarray  # bool mask: start to end
    side: str


def locate_rep(spec: ExerciseSpec, raw: RawRep, s: Series, *, online: bool, side_mode: str, prev_end: int) -> RepSpan:
    """Time the rep and find its working side. ``online``: the series end at the rep's end."""
    t = s["t"]
    prim = s["primary"]
    n = len(t)
    fps = 1.0 / float(np.median(np.diff(t))) if n > 1 else 30.0
    pad = int(round(1.0 * fps))
    # Some rest on each side for the ramp crossings, but never into the previous rep.
    lo = max(0, raw.start_index - pad, prev_end)
    hi = raw.end_index if online else min(n - 1, raw.end_index + pad)
    low = np.inf
    for k in range(raw.end_index, hi + 1):  # ...nor into the next one (a rise from the low)
        if not np.isfinite(prim[k]):
            continue
        low = min(low, prim[k])
        if prim[k] > low + spec.reps.start_deg:
            hi = max(raw.end_index, k - 1)
            break
    timing = time_rep(t, prim, lo, raw.peak_index, hi, raw.baseline)
    if spec.primary_from_rest:
        timing = replace(timing, peak_deg=timing.peak_deg - timing.baseline_deg, baseline_deg=0.0)
    top = (t >= timing.top_s) & (t <= timing.hold_end_s)
    if top.sum() < 3:
        top = np.abs(t - timing.peak_s) <= max(0.1, 1.5 / fps)
    move = (t >= timing.start_s) & (t <= timing.end_s)
    # The working side from the frames where the leg is well up (at rest both legs hang alike).
    up_half = prim[lo : hi + 1] >= timing.baseline_deg + 0.5 * (timing.peak_deg - timing.baseline_deg)
    side = rep_side(spec, side_mode, s["side"][lo : hi + 1][up_half])
    return RepSpan(timing, top, move, side)


def analyse_rep(
    spec: ExerciseSpec,
    raw: RawRep,
    s: Series,
    *,
    online: bool,
    view: str | None,
    index: int,
    rest: dict[str, float],
    side_mode: str,
    prev_end: int = 0,
) -> RepResult:
    """Timing, metrics at the top, faults and score of one counted rep.

    ``rest``: each series' median at rest before the rep (the reference of relative metrics).
    Metrics and faults the ``view`` cannot measure are left out (None / not flagged).
    """
    span = locate_rep(spec, raw, s, online=online, side_mode=side_mode, prev_end=prev_end)
    timing, top = span.timing, span.top
    bias = spec.top_bias(view)
    if bias:
        timing = replace(timing, peak_deg=timing.peak_deg - bias)
    keys = spec.series_keys
    window = RepWindow(
        t=s["t"],
        primary=s["primary"],
        metrics={k: s[k] for k in keys},
        top=top,
        move=span.move,
        peak_deg=timing.peak_deg,
        baseline_deg=timing.baseline_deg,
        hold_s=timing.time_at_top_s,
        side=span.side,
        rest=rest,
    )
    # Hold in good posture: the share of top samples with no posture fault present.
    bad = np.zeros(int(top.sum()), dtype=bool)
    idx = np.flatnonzero(top)
    for f in spec.faults:
        if not f.posture or f.frame_reading is None or not spec.judges(f, view):
            continue
        for j, k in enumerate(idx):
            r = f.frame_reading({key: float(s[key][k]) for key in keys}, rest)
            if r is not None and r.magnitude > f.threshold:
                bad[j] = True
    good_hold = timing.time_at_top_s * (1.0 - (bad.mean() if bad.size else 0.0))
    hits: list[FaultHit] = []
    flagged: list[tuple[FaultSpec, float]] = []
    for f in spec.faults:
        if not spec.judges(f, view):
            continue
        r = f.rep_reading(window)
        if r is not None and np.isfinite(r.magnitude) and r.magnitude > f.threshold:
            hits.append(FaultHit(f.code, float(r.magnitude), f.unit, r.side, f.cue_text(r)))
            flagged.append((f, float(r.magnitude)))
    # A rep partly unseen is counted, but what happened in the gap is unknown: its hold and peak
    # are neither reported nor judged (renders: a fire hydrant filmed from 0.33 m behind lost the
    # person for ~4 s at every top; its holds read 0-0.15 s of 4.1 s and were flagged short).
    # Likewise a top the model misread as another pose (RawRep.misread_s; renders: oblique
    # bridges whose holds of 4.6 s read 0-0.6 s).
    unseen = max(_unseen_s(s, raw), raw.misread_s)
    prim_reported = measurable(spec, spec.primary.key, view)
    top_misread = prim_reported and spec.implausible_top(timing.peak_deg)
    prim_ok = prim_reported and unseen <= MAX_UNSEEN_S and not top_misread
    if not prim_ok:
        drop = {f.code for f in spec.faults if f.metric == spec.primary.key}
        hits = [h for h in hits if h.code not in drop]
        flagged = [(f, m) for f, m in flagged if f.code not in drop]
    metrics = {m.key: m.of_rep(window) if measurable(spec, m.key, view) else None for m in spec.metrics}
    return RepResult(
        index=index,
        side=span.side,
        start_s=timing.start_s,
        top_s=timing.top_s,
        hold_end_s=timing.hold_end_s,
        end_s=timing.end_s,
        # The hold is timed on the primary angle: where the view cannot measure that angle,
        # its plateau is not trusted either (renders: MediaPipe's foreshortened knee
        # collapses mid-hold from the oblique fire hydrant view), so no hold is reported.
        hold_s=float(good_hold) if prim_ok else None,
        time_at_top_s=timing.time_at_top_s if prim_ok else None,
        peak_angle_deg=timing.peak_deg if prim_ok else None,
        baseline_angle_deg=timing.baseline_deg if prim_ok else None,
        up_s=timing.up_s,
        down_s=timing.down_s,
        metrics=metrics,
        faults=hits,
        score=rep_score(flagged),
        top_misread=top_misread,
    )


# Longer than this without a reading, the rep's top may be hidden: a gap of half the short-hold
# line could hide or invent a short hold. A frame or two missed is bridged by the ramp crossings.
MAX_UNSEEN_S = 0.5 * SHORT_HOLD_S


def _unseen_s(s: Series, raw: RawRep) -> float:
    """The longest run of the rep's movement without a primary reading, in seconds."""
    t, prim = s["t"], s["primary"]
    lo, hi = raw.start_index, raw.end_index
    longest = 0.0
    for start, stop in true_runs(~np.isfinite(prim[lo : hi + 1])):
        first, last = lo + start, lo + stop - 1  # the run's first and last unseen samples
        # from the last reading before the gap to the first one after it
        before = float(t[first - 1]) if first > 0 else float(t[first])
        after = float(t[min(last + 1, len(t) - 1)])
        longest = max(longest, after - before)
    return longest


class RestTracker:
    """Median of each series over the last seconds at rest: the reference for relative faults
    (feet coming apart, trunk shifting, pelvis rolling are all changes from the start posture)."""

    def __init__(self, keys: list[str] | tuple[str, ...], window_s: float = 1.5) -> None:
        self.keys = list(keys)
        self.window_s = window_s
        self._t: deque[float] = deque()
        self._v: deque[np.ndarray] = deque()

    def add(self, t: float, v: np.ndarray) -> None:
        self._t.append(t)
        self._v.append(np.asarray(v, float))
        while self._t and self._t[0] < t - 4 * self.window_s:
            self._t.popleft()
            self._v.popleft()

    def before(self, t_end: float | None = None) -> dict[str, float]:
        if not self._t:
            return dict.fromkeys(self.keys, float("nan"))
        t_end = self._t[-1] if t_end is None else t_end
        sel = [v for tt, v in zip(self._t, self._v, strict=True) if t_end - self.window_s <= tt <= t_end]
        if not sel:
            sel = list(self._v)[-15:]
        med = column_nanmedian(np.array(sel))
        return {k: float(med[i]) for i, k in enumerate(self.keys)}


def column_nanmedian(values: np.ndarray) -> np.ndarray:
    """``np.nanmedian(values, axis=0)``, NaN (no warning) for an all-NaN column.

    Written out because the live analyzer asks for the rest medians on every frame, and numpy's
    nanmedian takes a masked-array path for small arrays that cost half the analysis's time.
    """
    ordered = np.sort(values, axis=0)  # NaNs sort last
    valid = np.count_nonzero(~np.isnan(values), axis=0)
    columns = np.arange(values.shape[1])
    low = ordered[np.maximum((valid - 1) // 2, 0), columns]
    high = ordered[np.maximum(valid // 2, 0), columns]
    return np.where(valid > 0, 0.5 * (low + high), np.nan)
