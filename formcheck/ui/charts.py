"""The charts a patient or therapist looks at, as Vega-Lite (Altair): one definition serves the page
(``st.altair_chart``) and the printable report (rendered to SVG offline by vl-convert).

Inputs are plain data (a result dict, per-frame samples, history points), so the charts can be
built and checked without Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import altair as alt
import pandas as pd

from formcheck.analysis import LiveState
from formcheck.prescription import Prescription

REP_COLOUR = "#9ecae1"
HOLD_COLOUR = "#3182bd"
TARGET_COLOUR = "#e6550d"
WIDTH = "container"


def _metric_name(key: str) -> str:
    """'opening_deg' -> 'opening': the unit is shown on the axis."""
    for suffix in ("_deg", "_cm", "_s"):
        key = key.removesuffix(suffix)
    return key.replace("_", " ")


def angle_over_time(
    result: dict,
    times: Sequence[float],
    angles: Sequence[float | None],
    target_deg: float | None = None,
    width: int | str = WIDTH,
) -> alt.LayerChart:
    """The key angle over time, each counted rep as a band, its hold shaded, and the target line.

    A person sees at a glance which movement was counted and which was not.
    """
    name = _metric_name(result.get("primary_metric", "angle"))
    series = pd.DataFrame({"t": list(times), "angle": [None if a is None else float(a) for a in angles]})
    reps = pd.DataFrame(
        [
            {
                "rep": f"rep {i + 1}",
                "start": r["start_s"],
                "end": r["end_s"],
                "hold_start": r["top_s"],
                "hold_end": r["hold_end_s"],
                "side": r["side"],
            }
            for i, r in enumerate(result.get("reps", []))
        ],
        columns=["rep", "start", "end", "hold_start", "hold_end", "side"],
    )
    x = alt.X("t:Q", title="seconds")
    line = (
        alt.Chart(series)
        .mark_line(color="#222", strokeWidth=2)
        .encode(x=x, y=alt.Y("angle:Q", title=f"{name} (°)", scale=alt.Scale(zero=False)))
    )
    layers: list[alt.Chart] = [
        alt.Chart(reps)
        .mark_rect(color=REP_COLOUR, opacity=0.35)
        .encode(x="start:Q", x2="end:Q", tooltip=["rep", "side", "start", "end"]),
        alt.Chart(reps).mark_rect(color=HOLD_COLOUR, opacity=0.35).encode(x="hold_start:Q", x2="hold_end:Q"),
        alt.Chart(reps).mark_text(baseline="top", dy=4, fontSize=12).encode(x="start:Q", text="rep", y=alt.value(0)),
        line,
    ]
    if target_deg is not None:
        target = pd.DataFrame({"target": [target_deg], "label": [f"target {target_deg:.0f}°"]})
        rule = alt.Chart(target).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4]).encode(y="target:Q")
        label = (
            alt.Chart(target)
            .mark_text(color=TARGET_COLOUR, align="left", dx=4, dy=-6)
            .encode(y="target:Q", x=alt.value(0), text="label")
        )
        layers += [rule, label]
    return alt.layer(*layers).properties(width=width, height=260, title=f"{name.capitalize()} over time")


def angle_of_states(
    result: dict, states: Sequence[LiveState], target_deg: float | None = None, width: int | str = WIDTH
) -> alt.LayerChart:
    """``angle_over_time`` from the analyzer's per-frame states (the page and the printed report)."""
    key = result["primary_metric"]
    return angle_over_time(result, [s.t for s in states], [s.values.get(key) for s in states], target_deg, width)


@dataclass(frozen=True)
class ProgressPoint:
    """One saved session, as a therapist follows it."""

    when: datetime  # local time
    reps: float  # per filmed side (a one-sided exercise's clip usually shows one leg's set)
    mean_hold_s: float | None
    peak_deg: float | None
    fault_rate: float  # share of reps with at least one fault, 0-1
    score: float | None


def progress_frame(points: Sequence[ProgressPoint], period: str) -> pd.DataFrame:
    """Aggregate by day ("D") or week ("W"): each number is the mean over that period's sessions."""
    frame = pd.DataFrame([p.__dict__ for p in points])
    if frame.empty:
        return frame
    frame["when"] = pd.to_datetime(frame["when"])
    grouped = frame.set_index("when").resample(period)
    out = pd.DataFrame(
        {
            "reps": grouped["reps"].mean(),
            "sessions": grouped["reps"].count(),
            "mean_hold_s": grouped["mean_hold_s"].mean(),
            "peak_deg": grouped["peak_deg"].mean(),
            "fault_rate": grouped["fault_rate"].mean() * 100,
            "score": grouped["score"].mean(),
        }
    )
    return out[out["sessions"] > 0].reset_index()


def progress_charts(
    frame: pd.DataFrame, prescription: Prescription, angle_name: str, period: str, width: int | str = WIDTH
) -> alt.VConcatChart:
    """Small multiples with their own axes and units: reps, hold, peak angle, fault rate."""
    label = {"D": "day", "W": "week"}[period]
    x = alt.X("when:T", title=label, axis=alt.Axis(format="%d %b", labelAngle=0))

    def panel(column: str, title: str, unit: str, target: float | None, band: tuple[float, float] | None = None):
        base = alt.Chart(frame).encode(
            x=x, tooltip=[alt.Tooltip("when:T", title=label), alt.Tooltip(f"{column}:Q", format=".1f")]
        )
        layers = [
            base.mark_line(point=alt.OverlayMarkDef(size=60)).encode(y=alt.Y(f"{column}:Q", title=unit)),
        ]
        if band is not None:
            bands = pd.DataFrame({"low": [band[0]], "high": [band[1]]})
            layers.insert(
                0, alt.Chart(bands).mark_rect(color=TARGET_COLOUR, opacity=0.12).encode(y="low:Q", y2="high:Q")
            )
        if target is not None:
            rule = pd.DataFrame({"target": [target]})
            layers.append(alt.Chart(rule).mark_rule(color=TARGET_COLOUR, strokeDash=[6, 4]).encode(y="target:Q"))
        return alt.layer(*layers).properties(title=title, width=width, height=150)

    target_rom = prescription.target_rom_deg
    band = (target_rom - 5, target_rom + 5) if target_rom is not None else None
    return alt.vconcat(
        panel("reps", f"Reps per session, mean per {label} (dashed: prescribed)", "reps", prescription.total_reps),
        panel("mean_hold_s", f"Mean hold (dashed: target {prescription.hold_s:g} s)", "seconds", prescription.hold_s),
        panel("peak_deg", f"Peak {angle_name} (band: target ± 5°)", "degrees", target_rom, band),
        panel("fault_rate", "Reps with a form fault", "% of reps", None),
    ).resolve_scale(x="shared")
