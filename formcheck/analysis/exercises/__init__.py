"""The exercise registry: the one list of exercises.

To add an exercise: write its module with one ExerciseSpec, and add it to ``_BUILT_IN`` here.
Everything else (the engine, the app's picker and how-to, history, both CLIs, the
benchmarks) reads it from this registry. ``register`` adds one at run time (tests, plugins).
"""

from __future__ import annotations

from formcheck.analysis.exercises.base import ExerciseSpec
from formcheck.analysis.exercises.bridge import BRIDGE
from formcheck.analysis.exercises.clamshell import CLAMSHELL
from formcheck.analysis.exercises.fire_hydrant import FIRE_HYDRANT

_BUILT_IN = (BRIDGE, CLAMSHELL, FIRE_HYDRANT)
EXERCISES: dict[str, ExerciseSpec] = {e.name: e for e in _BUILT_IN}


def _normal(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def register(spec: ExerciseSpec) -> ExerciseSpec:
    """Add an exercise to the registry (its name and aliases must be new)."""
    taken = {a for e in EXERCISES.values() for a in (e.name, *map(_normal, e.aliases))}
    clash = {spec.name, *map(_normal, spec.aliases)} & taken
    if clash:
        raise ValueError(f"exercise name already registered: {', '.join(sorted(clash))}")
    EXERCISES[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    EXERCISES.pop(name, None)


def find_exercise(name: str) -> ExerciseSpec | None:
    """The exercise by its name, an alias or a plural ("Clamshells", "glute-bridge"); None if unknown."""
    key = _normal(name)
    for candidate in (key, key[:-1] if key.endswith("s") else key):
        for e in EXERCISES.values():
            if candidate == e.name or candidate in map(_normal, e.aliases):
                return e
    return None


def get_exercise(name: str) -> ExerciseSpec:
    spec = find_exercise(name)
    if spec is None:
        raise KeyError(f"unknown exercise {name!r}; choose one of {', '.join(EXERCISES)}")
    return spec


def exercise_label(name: str) -> str:
    """The menu label for an exercise name (the name itself for one no longer registered)."""
    spec = EXERCISES.get(name)
    return spec.display_label if spec else name


__all__ = ["EXERCISES", "ExerciseSpec", "exercise_label", "find_exercise", "get_exercise", "register", "unregister"]
