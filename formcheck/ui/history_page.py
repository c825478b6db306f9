"""The "Patient history" tab: a therapist follows each patient's sessions over weeks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from formcheck.history import HistoryError, HistoryStore
from formcheck.ui.common import EXERCISE_LABELS, plain


def render() -> None:
    try:
        with HistoryStore() as store:
            patients = store.patients()
            if not patients:
                st.info("No saved sessions yet. Analyse a clip and press “Save to patient history”.")
                return
            patient = st.selectbox("Patient", patients)
            rows = store.sessions(patient)
    except HistoryError as exc:
        st.error(str(exc))
        return
    if not rows:
        st.info(f"No sessions saved for {plain(patient)}.")
        return
    table = pd.DataFrame(
        {
            "date": [r.recorded_at.strftime("%Y-%m-%d %H:%M") for r in rows],
            "exercise": [EXERCISE_LABELS.get(r.exercise, r.exercise) for r in rows],
            "clip": [r.source for r in rows],
            "left reps": [r.reps["left"] for r in rows],
            "right reps": [r.reps["right"] for r in rows],
            "bridge reps": [r.reps["both"] for r in rows],
            "mean hold (s)": [r.mean_hold_s for r in rows],
            "peak angle (°)": [r.median_peak_deg for r in rows],
            "score": [r.mean_score for r in rows],
            "most common fault": [(r.top_fault or "").replace("_", " ") for r in rows],
        }
    )
    for exercise in sorted({r.exercise for r in rows}):
        subset = table[table["exercise"] == EXERCISE_LABELS.get(exercise, exercise)].set_index("date")
        if len(subset) > 1:
            st.caption(f"{EXERCISE_LABELS.get(exercise, exercise)}: form score and peak angle over time")
            st.line_chart(subset[["score", "peak angle (°)"]], height=200)
    st.dataframe(table, hide_index=True, width="stretch")
