"""The printable report is one offline file: charts inline as SVG, user text escaped."""

from __future__ import annotations

import re
from datetime import datetime

from formcheck.prescription import Prescription
from formcheck.report_html import session_report
from formcheck.ui.charts import angle_over_time
from formcheck.ui.tables import rep_table
from tests.made_results import made_result


def test_a_session_report_is_self_contained_and_escapes_user_text():
    result = made_result("bridge", [("both", 90, 2.0, []), ("both", 60, 0.5, ["short_hold"])])
    prescription = Prescription("bridge", reps=2, hold_s=1.5, notes="<img src=http://x/y.png> rest days")
    chart = angle_over_time(result, [0.0, 5.0, 10.0], [125.0, 170.0, 126.0], 175.0, width=500)
    html = session_report(result, prescription, "Ana <b>R</b>", datetime(2026, 12, 1, 9, 30), chart, rep_table(result))
    assert "<svg" in html, "the chart is inline"
    assert "<img" not in html and "<b>R</b>" not in html and "&lt;b&gt;R&lt;/b&gt;" in html
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html)) - {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    assert urls == {"http://x/y.png&gt;"}, "only the escaped text of the note names a URL; nothing is fetched"
    assert "Prescription not met yet" in html and "hold 1.2 of 1.5 s" in html  # 1 of 2 reps held long enough
    assert html.count("<tr") == 3  # header + two reps
