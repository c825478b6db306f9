"""Hand-made angle signals fed through the rep counter the way the engine feeds it."""

from __future__ import annotations

import numpy as np

from formcheck.analysis.reps import RawRep, ReadyClock, RepCounter, RepThresholds


def count_reps(th: RepThresholds, t: np.ndarray, a: np.ndarray, in_pos: np.ndarray) -> list[RawRep]:
    """The reps of angle ``a`` at times ``t``, the start posture seen where ``in_pos``; NaN
    angles are frames without a pose."""
    c = RepCounter(th)
    clock = ReadyClock()
    reps = []
    for i in range(len(t)):
        if not np.isfinite(a[i]):
            c.update(float(t[i]), float("nan"), False)
            clock.missing()
            continue
        ready = clock.update(float(t[i]), bool(in_pos[i]))
        r = c.update(float(t[i]), float(a[i]), ready, bool(in_pos[i]))
        if r is not None:
            reps.append(r)
    return reps
