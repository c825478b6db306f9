"""Tables as people read them: human headings, reps counted from 1, units in the heading."""

from __future__ import annotations

import pandas as pd

SIDE_WORDS = {"left": "Left leg", "right": "Right leg", "both": "Both"}


def _words(code: str) -> str:
    return code.replace("_", " ")


def round_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """Seconds to a tenth, degrees and scores to whole numbers: the precision the numbers have."""
    for column in table.columns:
        if column.endswith("(s)"):
            table[column] = table[column].astype(float).round(1)
        elif column.endswith(("(°)", "(/100)")):
            table[column] = table[column].astype(float).round(0)
    return table


def rep_table(result: dict) -> pd.DataFrame:
    """One row per counted rep, from a result dict (``SessionResult.to_dict()``)."""
    rows = [
        {
            "Rep": i + 1,
            "Side": SIDE_WORDS.get(r["side"], r["side"]),
            "Start (s)": r["start_s"],
            "Hold (s)": r.get("hold_s"),
            "Time at top (s)": r.get("time_at_top_s"),
            "Peak angle (°)": r.get("peak_angle_deg"),
            "Up (s)": r.get("tempo", {}).get("up_s"),
            "Down (s)": r.get("tempo", {}).get("down_s"),
            "Score (/100)": r.get("score"),
            "Faults": ", ".join(_words(f["code"]) for f in r.get("faults", [])) or "none",
        }
        for i, r in enumerate(result.get("reps", []))
    ]
    table = round_for_people(pd.DataFrame(rows))
    if not table.empty and table["Side"].nunique() == 1 and table["Side"].iloc[0] == "Both":
        table = table.drop(columns="Side")
    return table
