"""The "Patient history" tab: a therapist sets each patient's prescription and follows their
sessions over weeks: progress charts against the prescription, each session's report, export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from formcheck.analysis import EXERCISES, get_exercise
from formcheck.analysis.exercises import exercise_label
from formcheck.history import HistoryError, HistoryStore, SessionRow
from formcheck.prescription import SIDES, Prescription
from formcheck.report_html import PRINT_WIDTH, history_report, session_report
from formcheck.ui.charts import ProgressPoint, progress_charts, progress_frame
from formcheck.ui.common import file_stem, plain
from formcheck.ui.report import show_result_dict
from formcheck.ui.tables import rep_table, round_for_people

PERIODS = {"D": "Daily", "W": "Weekly"}


def _local(when: datetime) -> datetime:
    """Stored in UTC; shown in this computer's time zone."""
    return when.astimezone().replace(tzinfo=None)


def render() -> None:
    try:
        with HistoryStore() as store:
            _render(store)
    except HistoryError as exc:
        st.error(str(exc))


def _render(store: HistoryStore) -> None:
    patients = store.patients()
    with st.expander("Add a patient", expanded=not patients):
        new = st.text_input("New patient's name", key="new_patient").strip()
        if st.button("Add patient", key="add_patient") and new:
            store.set_prescription(new, store.prescription(new, "bridge"))
            st.success(f"Added {plain(new)}. Set their prescription below.")
            patients = store.patients()
    if not patients:
        st.info("No patients yet. Analyse a clip and press “Save to patient history”, or add a patient above.")
        return
    left, right = st.columns(2)
    patient = left.selectbox("Patient", patients, key="history_patient")
    rows = store.sessions(patient)
    done = [e for e in EXERCISES if any(r.exercise == e for r in rows)]
    exercise = right.selectbox(
        "Exercise",
        done + [e for e in EXERCISES if e not in done],
        format_func=exercise_label,
        key="history_exercise",
    )
    prescription = _prescription_form(store, patient, exercise)
    sessions = [r for r in rows if r.exercise == exercise]
    if not sessions:
        st.info(f"No {exercise_label(exercise).lower()} sessions saved for {plain(patient)} yet.")
        return
    _progress(store, patient, exercise, prescription, sessions)
    _session_detail(store, patient, prescription, sessions)
    st.download_button(
        f"Export all of {plain(patient)}'s sessions (CSV)",  # a button label is Markdown too
        _history_csv(rows),
        f"{file_stem(patient)}-history.csv",
        "text/csv",
        key="export_csv",
    )


def _prescription_form(store: HistoryStore, patient: str, exercise: str) -> Prescription:
    current = store.prescription(patient, exercise)
    spec = get_exercise(exercise)
    title = "Prescription" + (" (usual dose: not set for this patient yet)" if current.is_default else "")
    with st.expander(title, expanded=current.is_default), st.form(f"prescription-{exercise}"):
        c1, c2, c3 = st.columns(3)
        sets = c1.number_input("Sets", 1, 20, current.sets)
        reps = c2.number_input("Reps per set" + (" (per side)" if spec.unilateral else ""), 1, 200, current.reps)
        hold = c3.number_input("Hold at the top (s)", 0.0, 120.0, float(current.hold_s), step=0.5)
        c4, c5 = st.columns(2)
        sides = c4.selectbox(
            "Side(s)",
            SIDES,
            index=SIDES.index(current.sides),
            format_func={"both": "Both legs", "left": "Left leg only", "right": "Right leg only"}.get,
            disabled=not spec.unilateral,
        )
        target = c5.number_input(
            f"Target peak {spec.primary.label} (°, 0 = none)",
            0.0,
            200.0,
            float(current.target_rom_deg or 0.0),
            step=5.0,
        )
        notes = st.text_area("Notes for the patient", current.notes, max_chars=2000)
        if st.form_submit_button("Save prescription"):
            current = Prescription(
                exercise,
                int(sets),
                int(reps),
                float(hold),
                sides if spec.unilateral else "both",
                float(target) or None,
                notes.strip(),
            )
            store.set_prescription(patient, current)
            st.success(f"Prescription saved: {current.dose_text()}.")
    if current.notes:
        st.caption("Notes: " + plain(current.notes))
    return current


def _points(store: HistoryStore, sessions: list[SessionRow]) -> list[ProgressPoint]:
    points = []
    for row in sessions:
        result = store.result(row.id)
        reps = result.get("reps", [])
        filmed_sides = max(1, len({r.get("side") for r in reps}))
        faulty = sum(bool(r.get("faults")) for r in reps)
        points.append(
            ProgressPoint(
                when=_local(row.recorded_at),
                reps=len(reps) / filmed_sides,
                mean_hold_s=row.mean_hold_s,
                peak_deg=row.median_peak_deg,
                fault_rate=faulty / len(reps) if reps else 0.0,
                score=row.mean_score,
            )
        )
    return points


def _progress(
    store: HistoryStore, patient: str, exercise: str, prescription: Prescription, sessions: list[SessionRow]
) -> None:
    st.subheader("Progress")
    first = _local(sessions[0].recorded_at).date()
    c1, c2 = st.columns(2)
    period = c1.radio("Group by", list(PERIODS), format_func=PERIODS.get, horizontal=True, key="history_period")
    picked = c2.date_input("Dates", (first, date.today()), key="history_dates")
    start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else (first, date.today())
    in_range = [s for s in sessions if start <= _local(s.recorded_at).date() <= end]
    if not in_range:
        st.info("No sessions in these dates.")
        return
    frame = progress_frame(_points(store, in_range), period)
    angle = get_exercise(exercise).primary.label
    st.altair_chart(progress_charts(frame, prescription, angle, period), width="stretch")
    table = _sessions_table(in_range)
    target = f"; band: target peak {prescription.target_rom_deg:.0f}° ± 5°" if prescription.target_rom_deg else ""
    st.caption(
        f"Dashed lines: the prescription, {prescription.total_reps} reps per session "
        f"and a {prescription.hold_s:g} s hold{target}."
    )
    report = history_report(
        patient,
        exercise,
        prescription,
        datetime.combine(start, time()),
        datetime.combine(end, time()),
        progress_charts(frame, prescription, angle, period, width=PRINT_WIDTH),
        table,
    )
    st.download_button(
        "Printable progress report (HTML)",
        report,
        f"{file_stem(patient)}-{exercise}-{start:%Y%m%d}-{end:%Y%m%d}.html",
        "text/html",
        key="history_report",
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _reps_text(row: SessionRow) -> str:
    if row.reps["both"]:
        return str(row.reps["both"])
    return " · ".join(f"{side.capitalize()} {n}" for side, n in row.reps.items() if n and side != "both")


def _sessions_table(rows: list[SessionRow]) -> pd.DataFrame:
    return round_for_people(
        pd.DataFrame(
            {
                "Date": [_local(r.recorded_at).strftime("%Y-%m-%d %H:%M") for r in rows],
                "Clip": [r.source for r in rows],
                "Reps": [_reps_text(r) for r in rows],
                "Mean hold (s)": [r.mean_hold_s for r in rows],
                "Peak angle (°)": [r.median_peak_deg for r in rows],
                "Score (/100)": [r.mean_score for r in rows],
                "Most common fault": [(r.top_fault or "none").replace("_", " ") for r in rows],
            }
        )
    )


def _session_detail(store: HistoryStore, patient: str, prescription: Prescription, sessions: list[SessionRow]) -> None:
    st.subheader("One session")
    labels = {r.id: f"{_local(r.recorded_at):%Y-%m-%d %H:%M} · {r.source}" for r in reversed(sessions)}
    chosen = st.selectbox("Session", list(labels), format_func=labels.get, key="history_session")
    row = next(r for r in sessions if r.id == chosen)
    result = store.result(row.id)
    show_result_dict(result, prescription)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Printable session report (HTML)",
        session_report(result, prescription, patient, _local(row.recorded_at), None, rep_table(result)),
        f"{file_stem(patient)}-{row.exercise}-{_local(row.recorded_at):%Y%m%d-%H%M}.html",
        "text/html",
        key=f"session_report_{row.id}",
    )
    with c2.popover("Delete this session"):
        st.write("The session's result is removed from the history for good.")
        if st.button("Delete", key=f"delete_{row.id}", type="primary"):
            store.delete_session(row.id)
            st.success("Session deleted.")
            st.rerun()


def _history_csv(rows: list[SessionRow]) -> str:
    buffer = io.StringIO()
    table = _sessions_table(rows)
    table.insert(1, "Exercise", [exercise_label(r.exercise) for r in rows])
    table.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()
