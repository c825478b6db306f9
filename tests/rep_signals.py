"""Hand-made angle signals fed through the rep counter the way the engine feeds it."""

from __future__ import annotations

import numpy as np

from formcheck.analysis.engine import READY_AFTER_S
from formcheck.analysis.reps import RawRep, RepCounter, RepThresholds


def count_reps(th: RepThresholds, t: np.ndarray, a: np.ndarray, in_pos: np.ndarray) -> list[RawRep]:
    """The reps of angle ``a`` at times ``t``, the start posture seen where ``in_pos``."""
    c = RepCounter(th)
    reps, ok_since = [], None
    for i in range(len(t)):
        ok_since = (ok_since if ok_since is not None else t[i]) if in_pos[i] else None
        ready = bool(in_pos[i]) and t[i] - ok_since >= READY_AFTER_S
        r = c.update(float(t[i]), float(a[i]), ready, bool(in_pos[i]))
        if r is not None:
            reps.append(r)
    return reps
