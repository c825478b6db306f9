"""The session summary: one typed record, computed once, read by the result, the CLI, the app
and history alike. Its dict form (``to_dict``) is the ``summary`` object of the result JSON
(docs/result_schema.md) and must keep its keys."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from formcheck.analysis.exercises.base import ExerciseSpec
    from formcheck.analysis.result import RepResult


@dataclass(frozen=True)
class DefaultDose:
    """The exercise's usual dose, recorded in every result's summary (its "prescription" key).
    A patient's own prescription is ``formcheck.prescription.Prescription``, kept in the history."""

    reps: int  # per side for a one-sided exercise, in total for a bilateral one
    hold_s: float
    per_side: bool

    def to_dict(self) -> dict[str, Any]:
        return {"reps_per_side" if self.per_side else "reps": self.reps, "hold_s": self.hold_s}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DefaultDose:
        per_side = "reps_per_side" in d
        return cls(int(d["reps_per_side" if per_side else "reps"]), float(d["hold_s"]), per_side)


@dataclass(frozen=True)
class HoldSummary:
    mean_s: float | None
    min_s: float | None
    max_s: float | None
    reps_meeting_target: int | None


@dataclass(frozen=True)
class RangeSummary:
    metric: str  # the primary metric's key
    peak_mean_deg: float | None
    peak_min_deg: float | None
    peak_max_deg: float | None
    rest_mean_deg: float | None


@dataclass(frozen=True)
class TempoSummary:
    up_mean_s: float | None
    down_mean_s: float | None


@dataclass(frozen=True)
class CommonFault:
    code: str
    reps: int  # how many reps had it
    cue: str


def _stat(fn, values: list[float]) -> float | None:
    return float(fn(values)) if values else None


@dataclass(frozen=True)
class SessionSummary:
    reps: dict[str, int]  # per side: {"left": n, "right": n} or {"both": n}
    prescription: DefaultDose
    hold: HoldSummary
    range_of_motion: RangeSummary
    tempo: TempoSummary
    fault_counts: dict[str, int]
    most_common_fault: CommonFault | None
    mean_score: float | None

    @property
    def reps_done_vs_prescribed(self) -> dict[str, str]:
        return {side: f"{n}/{self.prescription.reps}" for side, n in self.reps.items()}

    @property
    def total_reps(self) -> int:
        return sum(self.reps.values())

    @classmethod
    def of_reps(cls, spec: ExerciseSpec, reps: list[RepResult]) -> SessionSummary:
        counts = dict.fromkeys(spec.sides, 0)
        for r in reps:
            counts[r.side] = counts.get(r.side, 0) + 1
        holds = [r.hold_s for r in reps if r.hold_s is not None]
        peaks = [r.peak_angle_deg for r in reps if r.peak_angle_deg is not None]
        rests = [r.baseline_angle_deg for r in reps if r.baseline_angle_deg is not None]
        fault_counts = Counter(f.code for r in reps for f in r.faults)
        common = None
        if fault_counts:
            code, count = fault_counts.most_common(1)[0]
            cue = next(f.cue for r in reps for f in r.faults if f.code == code)
            common = CommonFault(code, count, cue)
        return cls(
            reps=counts,
            prescription=DefaultDose(spec.reps_target, spec.hold_target_s, spec.unilateral),
            hold=HoldSummary(
                mean_s=_stat(np.mean, holds),
                min_s=_stat(np.min, holds),
                max_s=_stat(np.max, holds),
                reps_meeting_target=int(sum(h >= spec.hold_target_s for h in holds)) if holds else None,
            ),
            range_of_motion=RangeSummary(
                metric=spec.primary.key,
                peak_mean_deg=_stat(np.mean, peaks),
                peak_min_deg=_stat(np.min, peaks),
                peak_max_deg=_stat(np.max, peaks),
                rest_mean_deg=_stat(np.mean, rests),
            ),
            tempo=TempoSummary(
                up_mean_s=_stat(np.mean, [r.up_s for r in reps]),
                down_mean_s=_stat(np.mean, [r.down_s for r in reps]),
            ),
            fault_counts=dict(fault_counts),
            most_common_fault=common,
            mean_score=_stat(np.mean, [r.score for r in reps]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "reps": dict(self.reps),
            "prescription": self.prescription.to_dict(),
            "reps_done_vs_prescribed": self.reps_done_vs_prescribed,
            "hold": asdict(self.hold),
            "range_of_motion": asdict(self.range_of_motion),
            "tempo": asdict(self.tempo),
            "fault_counts": dict(self.fault_counts),
            "most_common_fault": asdict(self.most_common_fault) if self.most_common_fault else None,
            "mean_score": self.mean_score,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SessionSummary:
        """Read back the ``summary`` of a saved result JSON."""
        common = d.get("most_common_fault")
        return cls(
            reps={k: int(v) for k, v in d["reps"].items()},
            prescription=DefaultDose.from_dict(d["prescription"]),
            hold=HoldSummary(**d["hold"]),
            range_of_motion=RangeSummary(**d["range_of_motion"]),
            tempo=TempoSummary(**d["tempo"]),
            fault_counts={k: int(v) for k, v in d.get("fault_counts", {}).items()},
            most_common_fault=CommonFault(**common) if common else None,
            mean_score=d.get("mean_score"),
        )
