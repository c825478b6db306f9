"""The exercise registry. To add an exercise: write its module with one ExerciseSpec, add it here."""

from __future__ import annotations

from formcheck.analysis.exercises.base import ExerciseSpec
from formcheck.analysis.exercises.bridge import BRIDGE
from formcheck.analysis.exercises.clamshell import CLAMSHELL
from formcheck.analysis.exercises.fire_hydrant import FIRE_HYDRANT

EXERCISES: dict[str, ExerciseSpec] = {e.name: e for e in (BRIDGE, CLAMSHELL, FIRE_HYDRANT)}


def get_exercise(name: str) -> ExerciseSpec:
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key.endswith("s") and key[:-1] in EXERCISES:
        key = key[:-1]
    if key not in EXERCISES:
        raise KeyError(f"unknown exercise {name!r}; choose one of {', '.join(EXERCISES)}")
    return EXERCISES[key]


__all__ = ["EXERCISES", "ExerciseSpec", "get_exercise"]
