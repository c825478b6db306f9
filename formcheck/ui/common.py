"""Pieces every page shares: the exercise picker and how to place the camera.

Labels, how-tos, sidedness and prescriptions come from the exercise registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st

from formcheck.analysis import EXERCISES, get_exercise
from formcheck.analysis.exercises import exercise_label
from formcheck.errors import UserError
from formcheck.history import HistoryStore
from formcheck.prescription import Prescription, default_prescription

# Characters that Markdown (and Streamlit's extensions to it) give a meaning to.
_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$=")


def plain(text: str) -> str:
    """Text typed by a user, escaped so Streamlit shows it as is (no links, images or formatting)."""
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in text)


def file_stem(text: str) -> str:
    """A name typed by a user, safe as a download's file name (letters, digits, - and _ only)."""
    return re.sub(r"[^\w-]+", "_", text, flags=re.ASCII).strip("_")[:60] or "patient"


@dataclass(frozen=True)
class ExerciseChoice:
    exercise: str
    side: str  # "auto" | "left" | "right"
    patient: str = ""  # optional: whose prescription to compare with, and whose history to save to

    @property
    def label(self) -> str:
        return exercise_label(self.exercise)

    @property
    def camera_howto(self) -> str:
        return get_exercise(self.exercise).camera_howto


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
        "Which exercise?", list(EXERCISES), format_func=exercise_label, key="exercise", index=0, horizontal=True
    )
    spec = get_exercise(exercise)
    one_sided = [e.display_label.lower() + "s" for e in EXERCISES.values() if e.unilateral]
    both = [e.display_label.lower() + "s" for e in EXERCISES.values() if e.bilateral]
    left, right = st.columns(2)
    with left:
        side = st.radio(
            "Working leg",
            ["auto", "left", "right"],
            format_func=lambda s: {"auto": "Detect it", "left": "Left", "right": "Right"}[s],
            key="side",
            horizontal=True,
            help=f"For {' and '.join(one_sided)}, the leg that moves."
            + (f" {' and '.join(both).capitalize()} use both legs." if both else ""),
            disabled=spec.bilateral,
        )
    with right:
        patient = st.text_input(
            "Patient name (optional)",
            key="patient",
            help="Compares the set with this patient's prescription, and names the history entry when saved.",
        )
    st.info(f"**Where to put the camera:** {spec.camera_howto}", icon=":material/photo_camera:")
    return ExerciseChoice(exercise, "auto" if spec.bilateral else side, patient.strip())
