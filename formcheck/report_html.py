"""A printable, self-contained HTML report: one session, or a patient's sessions over a date range.

One file with the charts inline as SVG (rendered offline by vl-convert from the same Vega-Lite
charts the app shows) and the tables, so it can be e-mailed, archived or printed to PDF from
the browser without any network. Every piece of user text is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

import altair as alt
import pandas as pd
import vl_convert

from formcheck.analysis import get_exercise
from formcheck.prescription import Prescription, check_dose

PRINT_WIDTH = 640

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 760px; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.meta { color: #555; } table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; }
.ok { color: #2a7a2a; } .short { color: #b35900; } svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
"""


def chart_svg(chart: alt.TopLevelMixin) -> str:
    return vl_convert.vegalite_to_svg(chart.to_json())


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p>No rows.</p>"
    return frame.to_html(index=False, escape=True, na_rep="–", float_format=lambda v: f"{v:.1f}", border=0)


def _notes_chart_table(
    prescription: Prescription, chart: alt.TopLevelMixin | None, heading: str, table: pd.DataFrame
) -> list[str]:
    """The part both reports share: the therapist's notes, the chart as SVG, then the table."""
    parts = []
    if prescription.notes:
        parts.append(f"<p><strong>Therapist's notes:</strong> {html.escape(prescription.notes)}</p>")
    if chart is not None:
        parts.append(f"<figure>{chart_svg(chart)}</figure>")
    return [*parts, f"<h2>{heading}</h2>", _table(table)]


def _page(title: str, body: Sequence[str]) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        + "".join(body)
        + "<p class='meta'>Made by formcheck on this computer. Angles in degrees, times in seconds.</p>"
        "</body></html>"
    )


def session_report(
    result: dict,
    prescription: Prescription,
    patient: str,
    when: datetime,
    angle_chart: alt.TopLevelMixin | None,
    reps: pd.DataFrame,
) -> str:
    spec = get_exercise(result["exercise"])
    dose = check_dose(result, prescription)
    verdict = "Prescription met" if dose.met else "Prescription not met yet"
    summary = result.get("summary", {})
    score = summary.get("mean_score")
    body = [
        f"<h1>{html.escape(spec.title.capitalize())}: {html.escape(patient)}</h1>",
        f"<p class='meta'>{when:%A %d %B %Y, %H:%M} · clip {html.escape(str(result.get('source', '')))}"
        f" · prescription: {html.escape(prescription.dose_text())}</p>",
        f"<p class='{'ok' if dose.met else 'short'}'><strong>{verdict}.</strong> "
        + html.escape("; ".join(dose.lines))
        + (f". Form score {score:.0f}/100." if score is not None else ".")
        + "</p>",
    ]
    if result.get("message"):
        body.append(f"<p>{html.escape(result['message'])}</p>")
    body += _notes_chart_table(prescription, angle_chart, "Reps", reps)
    return _page(f"formcheck: {spec.title} {when:%Y-%m-%d}", body)


def history_report(
    patient: str,
    exercise: str,
    prescription: Prescription,
    start: datetime,
    end: datetime,
    charts: alt.TopLevelMixin | None,
    sessions: pd.DataFrame,
) -> str:
    spec = get_exercise(exercise)
    body = [
        f"<h1>{html.escape(patient)}: {html.escape(spec.title)} progress</h1>",
        f"<p class='meta'>{start:%d %B %Y} to {end:%d %B %Y} · {len(sessions)} sessions · "
        f"prescription: {html.escape(prescription.dose_text())}</p>",
    ]
    body += _notes_chart_table(prescription, charts, "Sessions", sessions)
    return _page(f"formcheck: {patient} {spec.title} {start:%Y-%m-%d} to {end:%Y-%m-%d}", body)
