"""A randomised population of synthetic clips: bodies, cameras, tempi, holds and faults.

    from formcheck.synth.population import population
    for member in population(48):          # deterministic for a given (n, base_seed)
        member.name, member.split, member.spec  # split is "tune" or "test"

Each member's exercise, side and case (clean, one fault at its default magnitude, or partial
reps) follow its index so that every exercise x side x split is present and balanced; all the
rest is drawn from the member's own seed by ``random_spec``. Members with an even index are
the *tune* half (fit thresholds on these only), odd ones the *test* half (report these).

Ranges (issue 10): segment lengths +-15% each, hip joint centres 15-24 cm apart, girth
0.85-1.30; camera azimuth +-35 deg around a recommended view, lens 0.2-1.6 m up, 1.5-4 m away
(moved back if the body would not fit), horizontal field of view 60-90 deg like a phone's main
or wide lens; lift and lower 0.5-2 s each; holds 0-5 s; partial reps of every depth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.synth.spec import (
    DEFAULT_FAULT_MAGNITUDES,
    EXERCISES,
    RECOMMENDED_VIEWS,
    VIEWS_BY_EXERCISE,
    SynthSpec,
)

SPLITS = ("tune", "test")
# Inclusive ranges the sampler draws from (uniformly).
RANGES: dict[str, tuple[float, float]] = {
    "height_m": (1.50, 1.95),
    "segment_scale": (0.85, 1.15),  # trunk, thigh, shank, arm: each independently
    "hip_width_m": (0.15, 0.24),
    "girth": (0.85, 1.30),
    "camera_azimuth_deg": (-35.0, 35.0),
    "camera_height_m": (0.20, 1.60),
    "camera_distance_m": (1.5, 4.0),
    "fov_deg": (60.0, 90.0),
    "move_s": (0.5, 2.0),
    "hold_s": (0.0, 5.0),
    "rest_s": (0.5, 1.5),
    "partial_rom": (0.25, 1.0),  # per-rep depth of a partial rep, as a fraction of the full range
}
REPS = (2, 3)
# The view used for each bridge fault (knees in and pelvic drop are across the body, not seen
# from the side); other cases of the bridge alternate between its two recommended views.
FAULT_VIEW = {"bridge": {"pelvic_drop": "oblique", "knees_in": "oblique", "hips_low": "side"}}


def cases_for(exercise: str) -> tuple[str, ...]:
    """The case labels of an exercise: clean, each renderer fault, partial reps."""
    return ("clean", *DEFAULT_FAULT_MAGNITUDES[exercise], "partial")


def split_of(index: int) -> str:
    """Even indices tune, odd ones test."""
    return SPLITS[index % 2]


def member_seed(base_seed: int, index: int) -> int:
    """The seed of member ``index``: independent streams per (base_seed, index)."""
    return int(np.random.SeedSequence([int(base_seed), int(index)]).generate_state(1)[0])


def layout(index: int) -> tuple[str, str, str]:
    """(exercise, side, case) of member ``index``.

    exercise = index mod 3 and split = index mod 2 cover all six pairs every 6 members; the case
    and the side both advance every 6 (5 cases, 2 sides), so the first 30 members hold every
    exercise x case x split once and the first 60 every exercise x case x side x split once.
    """
    exercise = EXERCISES[index % 3]
    side = ("left", "right")[(index // 6) % 2]
    cases = cases_for(exercise)
    return exercise, side, cases[(index // 6) % len(cases)]


def random_spec(
    rng: np.random.Generator,
    exercise: str,
    side: str = "left",
    case: str = "clean",
    view: str | None = None,
    width: int = 480,
    height: int = 360,
    seed: int = 0,
) -> SynthSpec:
    """One random clip of ``exercise``: body, camera, tempo and hold drawn from RANGES.

    ``case`` is "clean", a fault code of the exercise (default magnitude on a random non-empty
    subset of the reps) or "partial" (each rep a random depth; some reps full).
    """

    def u(key: str) -> float:
        lo, hi = RANGES[key]
        return float(rng.uniform(lo, hi))

    reps = int(rng.choice(REPS))
    if view is None:
        view = FAULT_VIEW.get(exercise, {}).get(case) or str(rng.choice(RECOMMENDED_VIEWS[exercise]))
    faults: dict[str, float] = {}
    fault_reps: tuple[int, ...] | None = None
    rep_rom: tuple[float, ...] | None = None
    if case in DEFAULT_FAULT_MAGNITUDES[exercise]:
        faults = {case: DEFAULT_FAULT_MAGNITUDES[exercise][case]}
        chosen = [i for i in range(reps) if rng.uniform() < 0.6]
        fault_reps = tuple(chosen or [int(rng.integers(reps))])
    elif case == "partial":
        rep_rom = tuple(round(u("partial_rom"), 3) if rng.uniform() < 0.75 else 1.0 for _ in range(reps))
    elif case != "clean":
        raise ValueError(f"unknown case {case!r} for {exercise}")
    lo, hi = RANGES["segment_scale"]
    scales = rng.uniform(lo, hi, size=4).round(3)
    return SynthSpec(
        exercise=exercise,
        reps=reps,
        hold_s=round(u("hold_s"), 2),
        side=side,
        view=view,
        faults=faults,
        fault_reps=fault_reps,
        seed=seed,
        rest_s=round(u("rest_s"), 2),
        lead_in_s=0.8,
        move_s=round(u("move_s"), 2),
        rep_rom=rep_rom,
        height_m=round(u("height_m"), 3),
        trunk_scale=float(scales[0]),
        thigh_scale=float(scales[1]),
        shank_scale=float(scales[2]),
        arm_scale=float(scales[3]),
        hip_width_m=round(u("hip_width_m"), 3),
        girth=round(u("girth"), 3),
        width=width,
        height=height,
        fov_deg=round(u("fov_deg"), 1),
        camera_azimuth_deg=round(u("camera_azimuth_deg"), 1),
        camera_height_m=round(u("camera_height_m"), 2),
        camera_distance_m=round(u("camera_distance_m"), 2),
        camera_fit=True,
    )


@dataclass(frozen=True)
class Member:
    index: int
    name: str
    split: str
    case: str
    spec: SynthSpec


def population(
    n: int, base_seed: int = 0, width: int = 480, height: int = 360, view: str | None = None
) -> list[Member]:
    """The first ``n`` members of the population drawn from ``base_seed`` (a prefix is stable).

    ``view``: film every member whose exercise has that renderer view from it instead of a
    recommended one (e.g. the fire hydrant from the working side); other members are left out.
    Bodies, cameras around the view and movements are drawn from the member's seed, but not the
    same ones as its recommended-view twin's (choosing a recommended view takes a draw).
    """
    out = []
    for i in range(n):
        exercise, side, case = layout(i)
        if view is not None and view not in VIEWS_BY_EXERCISE[exercise]:
            continue
        seed = member_seed(base_seed, i)
        spec = random_spec(
            np.random.default_rng(seed), exercise, side, case, view=view, width=width, height=height, seed=seed
        )
        name = f"pop{base_seed}-{i:03d}-{exercise}-{side}-{spec.view}-{case}"
        out.append(Member(i, name, split_of(i), case, spec))
    return out
