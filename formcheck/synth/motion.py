"""When things happen in a clip: the rep schedule, the phases and the eased progress.

Each rep goes rest -> up (lift) -> hold -> down (lower), then rest. Lift and lower follow a
cosine ease (zero speed at both ends, like a controlled human movement). Rep-to-rep
variation in tempo, rest and range comes from the spec's seed, so a clip is reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from formcheck.synth.spec import DEFAULT_MOVE_S, SynthSpec


@dataclass(frozen=True)
class RepPlan:
    """One planned rep. Times in seconds from the start of the clip."""

    index: int
    start_s: float  # lift begins
    top_s: float  # top reached, hold begins
    hold_end_s: float  # lowering begins
    end_s: float  # back at rest
    rom_scale: float  # this rep's fraction of the normal range of motion
    faults: dict[str, float] = field(default_factory=dict)

    @property
    def hold_s(self) -> float:
        return self.hold_end_s - self.top_s


@dataclass(frozen=True)
class MotionState:
    """Where the body is at one instant: the phase, the eased progress 0..1 and the rep."""

    t: float
    phase: str
    progress: float
    rep: RepPlan | None


def ease(u: float) -> float:
    """Cosine ease-in-out on [0, 1]."""
    u = min(max(u, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * u)


def plan_reps(spec: SynthSpec) -> tuple[list[RepPlan], float]:
    """The reps of a clip and its total duration in seconds."""
    rng = np.random.default_rng(spec.seed)
    var = spec.variation
    move = (spec.move_s if spec.move_s is not None else DEFAULT_MOVE_S[spec.exercise]) / spec.tempo
    reps: list[RepPlan] = []
    t = spec.lead_in_s
    for i in range(spec.reps):
        up = move * float(np.clip(1 + var * rng.normal(0, 0.08), 0.7, 1.3))
        down = move * float(np.clip(1 + var * rng.normal(0, 0.08), 0.7, 1.3))
        rom = spec.rom * float(np.clip(1 + var * rng.normal(0, 0.02), 0.95, 1.05))
        if spec.rep_rom is not None:
            rom *= spec.rep_rom[i]
        rest = spec.rest_s * float(np.clip(1 + var * rng.normal(0, 0.15), 0.6, 1.4))
        start = t
        top = start + up
        hold_end = top + spec.hold_s
        end = hold_end + down
        reps.append(RepPlan(i, start, top, hold_end, end, rom, spec.rep_faults(i)))
        t = end + (rest if i < spec.reps - 1 else 0.0)
    return reps, t + spec.lead_in_s


def state_at(t: float, reps: list[RepPlan]) -> MotionState:
    """The phase and eased progress at time ``t``."""
    for rep in reps:
        if t < rep.start_s:
            break
        if t < rep.top_s:
            return MotionState(t, "up", ease((t - rep.start_s) / (rep.top_s - rep.start_s)), rep)
        if t < rep.hold_end_s:
            return MotionState(t, "hold", 1.0, rep)
        if t < rep.end_s:
            return MotionState(t, "down", ease(1.0 - (t - rep.hold_end_s) / (rep.end_s - rep.hold_end_s)), rep)
    return MotionState(t, "rest", 0.0, None)
