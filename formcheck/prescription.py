"""A patient's prescribed dose for one exercise, and how a session measures up to it.

The therapist sets sets × reps, the hold and the side(s); without one, the seed article's dose
(the exercise spec's defaults) applies. "Good form" is only said when the dose was met too: a
clean-looking set with holds half as long as prescribed is not a good session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formcheck.analysis import get_exercise

SIDES = ("both", "left", "right")


@dataclass(frozen=True)
class Prescription:
    exercise: str
    sets: int = 1
    reps: int = 15  # per set; per side for a one-sided exercise
    hold_s: float = 2.0
    sides: str = "both"  # for a one-sided exercise: both legs, or only the left or right one
    target_rom_deg: float | None = None  # the peak angle to reach, in the exercise's primary angle
    notes: str = ""
    is_default: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.sets <= 20 or not 1 <= self.reps <= 200:
            raise ValueError("sets must be 1-20 and reps 1-200")
        if not 0 <= self.hold_s <= 120:
            raise ValueError("the hold must be 0-120 s")
        if self.sides not in SIDES:
            raise ValueError(f"sides must be one of {', '.join(SIDES)}")

    @property
    def total_reps(self) -> int:
        """Reps for the whole session on each prescribed side (or in all, for the bridge)."""
        return self.sets * self.reps

    def sides_to_do(self, unilateral: bool) -> tuple[str, ...]:
        if not unilateral:
            return ("both",)
        return ("left", "right") if self.sides == "both" else (self.sides,)

    def dose_text(self) -> str:
        spec = get_exercise(self.exercise)
        per = " per side" if spec.unilateral and self.sides == "both" else ""
        side = f" ({self.sides} leg)" if spec.unilateral and self.sides != "both" else ""
        sets = f"{self.sets} × {self.reps}" if self.sets > 1 else f"{self.reps}"
        return f"{sets} reps{per}{side}, hold {self.hold_s:g} s"


def default_prescription(exercise: str) -> Prescription:
    """The seed article's dose, from the exercise spec."""
    spec = get_exercise(exercise)
    return Prescription(exercise, sets=1, reps=spec.reps_target, hold_s=spec.hold_target_s, is_default=True)


@dataclass(frozen=True)
class SideProgress:
    side: str  # left | right | both
    done: int
    target: int


@dataclass(frozen=True)
class DoseCheck:
    """One session against its prescription, in numbers and in plain words."""

    prescription: Prescription
    sides: list[SideProgress]
    mean_hold_s: float | None
    reps_meeting_hold: int
    reps: int
    mean_peak_deg: float | None
    lines: list[str] = field(default_factory=list)

    @property
    def reps_met(self) -> bool:
        return all(s.done >= s.target for s in self.sides)

    @property
    def hold_met(self) -> bool:
        """Every counted rep held long enough (a view that cannot time holds does not fail it)."""
        return self.mean_hold_s is None or self.reps_meeting_hold == self.reps

    @property
    def met(self) -> bool:
        return self.reps > 0 and self.reps_met and self.hold_met


def check_dose(result: dict[str, Any], prescription: Prescription) -> DoseCheck:
    """Compare a result (``SessionResult.to_dict()``) with the prescription."""
    spec = get_exercise(prescription.exercise)
    reps = result.get("reps", [])
    prescribed = [
        SideProgress(side, sum(r.get("side") == side for r in reps), prescription.total_reps)
        for side in prescription.sides_to_do(spec.unilateral)
    ]
    # A clip usually films one leg's set: the other leg was not filmed, not skipped.
    sides = [s for s in prescribed if s.done] or prescribed
    holds = [r["hold_s"] for r in reps if r.get("hold_s") is not None]
    peaks = [r["peak_angle_deg"] for r in reps if r.get("peak_angle_deg") is not None]
    mean_hold = sum(holds) / len(holds) if holds else None
    mean_peak = sum(peaks) / len(peaks) if peaks else None
    meeting = sum(h >= prescription.hold_s - 0.05 for h in holds)  # a frame's worth of slack
    lines = []
    for s in sides:
        who = "" if s.side == "both" else f"{s.side.capitalize()} leg: "
        lines.append(f"{who}{s.done} of {s.target} reps")
    if mean_hold is not None:
        lines.append(
            f"hold {mean_hold:.1f} of {prescription.hold_s:g} s on average ({meeting} of {len(holds)} reps long enough)"
        )
    if prescription.target_rom_deg is not None and mean_peak is not None:
        lines.append(f"peak {mean_peak:.0f}° (target {prescription.target_rom_deg:.0f}°)")
    return DoseCheck(prescription, sides, mean_hold, meeting, len(reps), mean_peak, lines)
