"""``formcheck history [--patient NAME] [--csv out.csv]``: the saved sessions, in the terminal or as CSV."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from formcheck.history import HistoryStore, SessionRow, default_database_path
from formcheck.output_files import check_outputs, write_text_atomic

COLUMNS = (
    "patient",
    "recorded_at",
    "exercise",
    "source",
    "status",
    "reps_left",
    "reps_right",
    "reps_both",
    "mean_score",
    "mean_hold_s",
    "median_peak_deg",
    "top_fault",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("history", help="list the patients and sessions saved in the local history")
    p.add_argument("--patient", help="show this patient's sessions (default: list the patients)")
    p.add_argument("--csv", type=Path, help="write the sessions (of --patient, or of everyone) as CSV")
    p.add_argument("--db", type=Path, help=f"history database (default: {default_database_path()})")
    p.set_defaults(func=run)


def _row(r: SessionRow) -> dict[str, object]:
    return {
        "patient": r.patient,
        "recorded_at": r.recorded_at.isoformat(),
        "exercise": r.exercise,
        "source": r.source,
        "status": r.status,
        "reps_left": r.reps["left"],
        "reps_right": r.reps["right"],
        "reps_both": r.reps["both"],
        "mean_score": r.mean_score,
        "mean_hold_s": r.mean_hold_s,
        "median_peak_deg": r.median_peak_deg,
        "top_fault": r.top_fault,
    }


def run(args: argparse.Namespace) -> int:
    if args.csv is not None:
        check_outputs({"--csv": args.csv}, inputs=[args.db or default_database_path()])
    with HistoryStore(args.db) as store:
        if args.patient is None and args.csv is None:
            patients = store.patients()
            print("\n".join(patients) if patients else "No saved sessions yet.")
            return 0
        rows = store.sessions(args.patient)
    if args.csv is not None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in _row(r).items()} for r in rows)
        write_text_atomic(args.csv, buffer.getvalue())
        print(f"{len(rows)} sessions: {args.csv}")
        return 0
    if not rows:
        print(f"No sessions saved for {args.patient}.")
    for r in rows:
        reps = r.reps["both"] or f"L {r.reps['left']} / R {r.reps['right']}"
        score = "-" if r.mean_score is None else f"{r.mean_score:.0f}/100"
        print(f"{r.recorded_at:%Y-%m-%d %H:%M} UTC  {r.exercise:12} reps {reps}  score {score}  {r.source}")
    return 0
