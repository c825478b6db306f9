"""Pieces every page shares: the exercise picker and how to place the camera."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from formcheck.analysis import get_exercise
from formcheck.errors import UserError
from formcheck.history import HistoryStore
from formcheck.prescription import Prescription, default_prescription

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
    patient: str = ""  # optional: whose prescription to compare with, and whose history to save to

    @property
    def label(self) -> str:
        return EXERCISE_LABELS[self.exercise]


def patient_prescription(patient: str, exercise: str) -> Prescription:
    """The patient's prescription from the history, or the usual dose (also when the history fails)."""
    if not patient:
        return default_prescription(exercise)
    try:
        with HistoryStore() as store:
            return store.prescription(patient, exercise)
    except UserError as exc:
        st.error(str(exc))
        return default_prescription(exercise)


def exercise_picker() -> ExerciseChoice:
    """On the main page, before any upload: on a phone the sidebar is folded away and never seen."""
    exercise = st.radio(
        "Which exercise?",
        list(EXERCISE_LABELS),
        format_func=EXERCISE_LABELS.get,
        key="exercise",
        index=0,
        horizontal=True,
    )
    unilateral = get_exercise(exercise).unilateral
    left, right = st.columns(2)
    with left:
        side = st.radio(
            "Working leg",
            ["auto", "left", "right"],
            format_func=lambda s: {"auto": "Detect it", "left": "Left", "right": "Right"}[s],
            key="side",
            horizontal=True,
            help="The leg that moves. Bridges use both legs.",
            disabled=not unilateral,
        )
    with right:
        patient = st.text_input(
            "Patient name (optional)",
            key="patient",
            help="Compares the set with this patient's prescription, and names the history entry when saved.",
        )
    st.info(f"**Where to put the camera:** {CAMERA_HOWTO[exercise]}", icon=":material/photo_camera:")
    return ExerciseChoice(exercise, side if unilateral else "auto", patient.strip())
