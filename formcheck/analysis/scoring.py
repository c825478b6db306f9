"""The 0-100 score of one rep. Documented in docs/result_schema.md ("Score").

    score = round(100 - sum over flagged faults of penalty_f * severity_f), floored at 0
    severity_f = 0.5 + 0.5 * clip((magnitude - threshold) / (severe - threshold), 0, 1)

A flagged fault costs at least half its penalty, and its full penalty at the magnitude
the exercise calls severe. Penalties are per exercise and fault (exercises/*.py); a rep with no
fault scores 100. The formula is deliberately simple so a therapist can recompute it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

from formcheck.analysis.exercises.base import FaultSpec


def severity(fault: FaultSpec, magnitude: float) -> float:
    span = max(fault.severe - fault.threshold, 1e-9)
    return 0.5 + 0.5 * min(max((magnitude - fault.threshold) / span, 0.0), 1.0)


def rep_score(flagged: Iterable[tuple[FaultSpec, float]]) -> int:
    loss = sum(f.penalty * severity(f, m) for f, m in flagged)
    return int(round(max(0.0, 100.0 - loss)))
