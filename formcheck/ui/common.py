"""Pieces every page shares: the exercise picker and how to place the camera."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from formcheck.analysis import get_exercise

EXERCISE_LABELS = {"bridge": "Glute bridge", "clamshell": "Clamshell", "fire_hydrant": "Fire hydrant"}

CAMERA_HOWTO = {
    "bridge": "Lie on your back side-on to the camera. Put the phone on the floor about 2–3 m away, "
    "at hip height, so your shoulders, hips, knees and feet are all in the picture.",
    "clamshell": "Lie on your side facing the camera. Put the phone about 1.5 m in front of you, raised to "
    "about 1.4 m (a shelf or a tripod) and tilted down, so your shoulders, hips, knees and feet are all in "
    "the picture.",
    "fire_hydrant": "Get on hands and knees with your back to the camera. Put the phone on the floor "
    "about 2 m behind you, at hip height, so your hips, knees and feet are all in the picture.",
}


# Characters that Markdown (and Streamlit's extensions to it) give a meaning to.
_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$=")


def plain(text: str) -> str:
    """Text typed by a user, escaped so Streamlit shows it as is (no links, images or formatting)."""
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in text)


@dataclass(frozen=True)
class ExerciseChoice:
    exercise: str
    side: str  # "auto" | "left" | "right"

    @property
    def label(self) -> str:
        return EXERCISE_LABELS[self.exercise]


def exercise_picker() -> ExerciseChoice:
    st.header("Exercise")
    exercise = st.radio(
        "Which exercise?", list(EXERCISE_LABELS), format_func=EXERCISE_LABELS.get, key="exercise", index=0
    )
    side = st.radio(
        "Working leg",
        ["auto", "left", "right"],
        format_func=lambda s: {"auto": "Detect it for me", "left": "Left", "right": "Right"}[s],
        key="side",
        help="For clamshells and fire hydrants, the leg that moves. Bridges use both legs.",
        disabled=exercise == "bridge",
    )
    spec = get_exercise(exercise)
    st.markdown(f"**Camera:** {CAMERA_HOWTO[exercise]}")
    per = "per side" if spec.unilateral else "per set"
    st.caption(f"Prescription: {spec.reps_target} reps {per}, hold {spec.hold_target_s:g} s at the top.")
    return ExerciseChoice(exercise, "auto" if exercise == "bridge" else side)
