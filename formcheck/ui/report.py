"""Show one session's result against the prescription: headline numbers, the verdict in plain
words, the angle chart with every counted rep marked, and the rep table."""

from __future__ import annotations

import streamlit as st

from formcheck.analysis import LiveState, SessionResult
from formcheck.prescription import DoseCheck, Prescription, check_dose, default_prescription
from formcheck.ui.charts import angle_of_states
from formcheck.ui.tables import rep_table

SIDE_NAMES = {"left": "Left leg", "right": "Right leg", "both": "Reps"}
SCORE_HELP = (
    "Form score out of 100. Each rep starts at 100 and loses points for each fault, "
    "more for a bigger one (docs/result_schema.md)."
)


def _fmt(value: float | None, unit: str, digits: int = 0) -> str:
    return "not measured" if value is None else f"{value:.{digits}f}{unit}"


def show_result(
    result: SessionResult,
    states: list[LiveState] | None = None,
    prescription: Prescription | None = None,
) -> None:
    for warning in result.warnings:
        st.warning(warning)
    if result.status != "ok":
        st.warning(result.message or "This clip could not be scored.")
        if result.status != "no_reps":
            return
    elif result.message:
        st.warning(result.message)
    show_result_dict(result.to_dict(), prescription or default_prescription(result.exercise), states)


def show_result_dict(result: dict, prescription: Prescription, states: list[LiveState] | None = None) -> None:
    """The part a reopened history session shows too (it has the result, not the per-frame states)."""
    dose = check_dose(result, prescription)
    _headline(result, dose)
    _verdict(result, dose)
    for advice in result.get("view", {}).get("not_measurable", {}).values():
        st.caption(f"Not measured: {advice}")
    if states:
        st.altair_chart(angle_of_states(result, states, prescription.target_rom_deg), width="stretch")
        st.caption("Blue bands: the reps I counted; darker: the hold at the top.")
    table = rep_table(result)
    if not table.empty:
        st.dataframe(table, hide_index=True, width="stretch")


def _headline(result: dict, dose: DoseCheck) -> None:
    summary = result.get("summary", {})
    columns = st.columns(len(dose.sides) + 3)
    for column, side in zip(columns, dose.sides, strict=False):
        column.metric(SIDE_NAMES.get(side.side, side.side), f"{side.done} / {side.target}")
    offset = len(dose.sides)
    hold = _fmt(dose.mean_hold_s, " s", 1)
    columns[offset].metric(
        "Mean hold",
        hold if dose.mean_hold_s is None else f"{hold} / {dose.prescription.hold_s:g} s",
        help=f"Target {dose.prescription.hold_s:g} s at the top",
    )
    columns[offset + 1].metric("Peak angle", _fmt(dose.mean_peak_deg, "°"), help="Mean over reps")
    score = summary.get("mean_score")
    columns[offset + 2].metric("Score", "not measured" if score is None else f"{score:.0f}/100", help=SCORE_HELP)


def _verdict(result: dict, dose: DoseCheck) -> None:
    """'Good form' only when the reps were clean and the prescription was met."""
    if not result.get("reps"):
        return
    source = "your prescription" if not dose.prescription.is_default else "the usual dose"
    common = result.get("summary", {}).get("most_common_fault")
    if common:
        st.info(f"**Most common:** {common['cue']} ({common['reps']} of {len(result['reps'])} reps)")
    if not dose.met:
        st.warning(f"Not yet at {source} ({dose.prescription.dose_text()}): " + "; ".join(dose.lines) + ".")
    elif not common:
        st.success(f"Good form on every rep I could measure, and {source} was met: " + "; ".join(dose.lines) + ".")
