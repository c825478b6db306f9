"""Show one session's result: headline numbers, the main cue, a chart and the rep table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from formcheck.analysis import LiveState, SessionResult
from formcheck.analysis.codes import Status

SIDE_NAMES = {"left": "Left leg", "right": "Right leg", "both": "Reps"}
SCORE_HELP = (
    "Form score out of 100. Each rep starts at 100 and loses points for each fault, "
    "more for a bigger one (docs/result_schema.md)."
)


def _metric_name(key: str) -> str:
    """'opening_deg' -> 'opening': the unit is shown separately."""
    for suffix in ("_deg", "_cm", "_s"):
        key = key.removesuffix(suffix)
    return key.replace("_", " ")


def _fmt(value: float | None, unit: str, digits: int = 0) -> str:
    return "not measured" if value is None else f"{value:.{digits}f} {unit}".strip()


def show_result(result: SessionResult, states: list[LiveState] | None = None) -> None:
    if result.status != "ok":
        st.warning(result.message or "This clip could not be scored.")
        if result.status != Status.NO_REPS:
            return
    elif result.message:
        st.warning(result.message)
    summary = result.summary
    target = summary.prescription.reps
    counts = summary.reps or {"both": 0}
    columns = st.columns(len(counts) + 3)
    for column, (side, n) in zip(columns, counts.items(), strict=False):
        column.metric(SIDE_NAMES.get(side, side), f"{n}" + (f" / {target}" if target else ""))
    offset = len(counts)
    columns[offset].metric(
        "Mean hold",
        _fmt(summary.hold.mean_s, "s", 1),
        help=f"Target {summary.prescription.hold_s:g} s at the top",
    )
    columns[offset + 1].metric("Peak angle", _fmt(summary.range_of_motion.peak_mean_deg, "°"), help="Mean over reps")
    columns[offset + 2].metric("Score", _fmt(summary.mean_score, ""), help=SCORE_HELP)

    common = summary.most_common_fault
    if common:
        st.info(f"**Most common:** {common.cue} ({common.reps} of {len(result.reps)} reps)")
    elif result.reps:
        st.success("Good form on every rep I could measure.")
    for advice in result.not_measurable.values():
        st.caption(f"Not measured: {advice}")

    if states:
        _angle_chart(result, states)
    if result.reps:
        table = pd.DataFrame(result.csv_rows())
        table["rep"] += 1  # people count reps from 1
        st.dataframe(table, hide_index=True, width="stretch")


def _angle_chart(result: SessionResult, states: list[LiveState]) -> None:
    key = result.primary_key
    name = _metric_name(key)
    series = pd.DataFrame({"time (s)": [s.t for s in states], name: [s.values.get(key) for s in states]})
    st.caption(f"{name.capitalize()} over time")
    st.line_chart(series.set_index("time (s)"), height=220, x_label="seconds", y_label="degrees")
