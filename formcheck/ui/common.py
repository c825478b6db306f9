"""Pieces every page shares: the exercise picker and how to place the camera.

Labels, how-tos, sidedness and prescriptions come from the exercise registry.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from formcheck.analysis import EXERCISES, get_exercise
from formcheck.analysis.exercises import exercise_label


@dataclass(frozen=True)
class ExerciseChoice:
    exercise: str
    side: str  # "auto" | "left" | "right"

    @property
    def label(self) -> str:
        return exercise_label(self.exercise)

    @property
    def camera_howto(self) -> str:
        return get_exercise(self.exercise).camera_howto


def exercise_picker() -> ExerciseChoice:
    st.header("Exercise")
    exercise = st.radio("Which exercise?", list(EXERCISES), format_func=exercise_label, key="exercise", index=0)
    spec = get_exercise(exercise)
    one_sided = [e.display_label.lower() + "s" for e in EXERCISES.values() if e.unilateral]
    both = [e.display_label.lower() + "s" for e in EXERCISES.values() if e.bilateral]
    side = st.radio(
        "Working leg",
        ["auto", "left", "right"],
        format_func=lambda s: {"auto": "Detect it for me", "left": "Left", "right": "Right"}[s],
        key="side",
        help=f"For {' and '.join(one_sided)}, the leg that moves."
        + (f" {' and '.join(both).capitalize()} use both legs." if both else ""),
        disabled=spec.bilateral,
    )
    st.markdown(f"**Camera:** {spec.camera_howto}")
    per = "per side" if spec.unilateral else "per set"
    st.caption(f"Prescription: {spec.reps_target} reps {per}, hold {spec.hold_target_s:g} s at the top.")
    return ExerciseChoice(exercise, "auto" if spec.bilateral else side)
