"""The "Patient history" tab: a therapist follows each patient's sessions over weeks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from formcheck.analysis.exercises import exercise_label
from formcheck.history import HistoryStore


def render() -> None:
    with HistoryStore() as store:
        patients = store.patients()
        if not patients:
            st.info("No saved sessions yet. Analyse a clip and press “Save to patient history”.")
            return
        patient = st.selectbox("Patient", patients)
        rows = store.sessions(patient)
    if not rows:
        st.info(f"No sessions saved for {patient}.")
        return
    table = pd.DataFrame(
        {
            "date": [r.recorded_at.strftime("%Y-%m-%d %H:%M") for r in rows],
            "exercise": [exercise_label(r.exercise) for r in rows],
            "clip": [r.source for r in rows],
            "left reps": [r.reps["left"] for r in rows],
            "right reps": [r.reps["right"] for r in rows],
            "reps, both legs": [r.reps["both"] for r in rows],  # bilateral exercises (the bridge)
            "mean hold (s)": [r.mean_hold_s for r in rows],
            "peak angle (°)": [r.median_peak_deg for r in rows],
            "score": [r.mean_score for r in rows],
            "most common fault": [(r.top_fault or "").replace("_", " ") for r in rows],
        }
    )
    for exercise in sorted({r.exercise for r in rows}):
        subset = table[table["exercise"] == exercise_label(exercise)].set_index("date")
        if len(subset) > 1:
            st.caption(f"{exercise_label(exercise)}: form score and peak angle over time")
            st.line_chart(subset[["score", "peak angle (°)"]], height=200)
    st.dataframe(table, hide_index=True, width="stretch")
