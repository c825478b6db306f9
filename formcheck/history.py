"""Session history in a local SQLite file, so a therapist can follow patients over weeks.

The database stays on the machine that runs formcheck (default ``~/.formcheck/history.sqlite3``,
or ``$FORMCHECK_DATA_DIR/history.sqlite3``). It stores the analysis results, never the video.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS patients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    recorded_at TEXT NOT NULL,          -- ISO 8601, UTC
    exercise TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reps_left INTEGER NOT NULL DEFAULT 0,
    reps_right INTEGER NOT NULL DEFAULT 0,
    reps_both INTEGER NOT NULL DEFAULT 0,
    mean_score REAL,
    mean_hold_s REAL,
    median_peak_deg REAL,
    top_fault TEXT,
    result_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_patient ON sessions(patient_id, recorded_at);
"""


def default_database_path() -> Path:
    base = Path(os.environ.get("FORMCHECK_DATA_DIR", Path.home() / ".formcheck"))
    return base / "history.sqlite3"


@dataclass(frozen=True)
class SessionRow:
    id: int
    patient: str
    recorded_at: datetime
    exercise: str
    source: str
    status: str
    reps: dict[str, int]
    mean_score: float | None
    mean_hold_s: float | None
    median_peak_deg: float | None
    top_fault: str | None

    def result(self, store: HistoryStore) -> dict[str, Any]:
        return store.result(self.id)


def _summarise(result: dict[str, Any]) -> dict[str, Any]:
    """The columns a therapist sorts and charts by: read from the result's own summary (the
    numbers the report showed), never recomputed here."""
    from formcheck.analysis.summary import SessionSummary

    summary = SessionSummary.from_dict(result["summary"])
    common = summary.most_common_fault
    return {
        "reps_left": summary.reps.get("left", 0),
        "reps_right": summary.reps.get("right", 0),
        "reps_both": summary.reps.get("both", 0),
        "mean_score": summary.mean_score,
        "mean_hold_s": summary.hold.mean_s,
        # The column keeps its old name (renaming it needs a migration); it holds the summary's
        # mean peak, the number the report shows as "Peak angle".
        "median_peak_deg": summary.range_of_motion.peak_mean_deg,
        "top_fault": common.code if common else None,
    }


class HistoryStore:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_database_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(SCHEMA_SQL)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _patient_id(self, name: str) -> int:
        name = name.strip()
        if not name:
            raise ValueError("a patient name is needed to save a session")
        self._db.execute("INSERT OR IGNORE INTO patients(name) VALUES (?)", (name,))
        return int(self._db.execute("SELECT id FROM patients WHERE name = ?", (name,)).fetchone()[0])

    def add_session(self, patient: str, result: dict[str, Any], recorded_at: datetime | None = None) -> int:
        """Store one analysis result (``SessionResult.to_dict()``) for a patient; returns its id."""
        recorded_at = recorded_at or datetime.now(UTC)
        summary = _summarise(result)
        with self._db:
            cursor = self._db.execute(
                """INSERT INTO sessions(patient_id, recorded_at, exercise, source, status, reps_left, reps_right,
                   reps_both, mean_score, mean_hold_s, median_peak_deg, top_fault, result_json)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    self._patient_id(patient),
                    recorded_at.astimezone(UTC).isoformat(),
                    result.get("exercise", ""),
                    result.get("source", ""),
                    result.get("status", ""),
                    summary["reps_left"],
                    summary["reps_right"],
                    summary["reps_both"],
                    summary["mean_score"],
                    summary["mean_hold_s"],
                    summary["median_peak_deg"],
                    summary["top_fault"],
                    json.dumps(result),
                ),
            )
        return int(cursor.lastrowid)

    def patients(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT name FROM patients ORDER BY name")]

    def sessions(self, patient: str | None = None, exercise: str | None = None) -> list[SessionRow]:
        """Sessions oldest first, optionally for one patient and/or exercise."""
        query = """SELECT s.id, p.name, s.recorded_at, s.exercise, s.source, s.status, s.reps_left, s.reps_right,
                   s.reps_both, s.mean_score, s.mean_hold_s, s.median_peak_deg, s.top_fault
                   FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE 1 = 1"""
        params: list[Any] = []
        if patient is not None:
            query += " AND p.name = ?"
            params.append(patient)
        if exercise is not None:
            query += " AND s.exercise = ?"
            params.append(exercise)
        query += " ORDER BY s.recorded_at, s.id"
        return [
            SessionRow(
                id=row[0],
                patient=row[1],
                recorded_at=datetime.fromisoformat(row[2]),
                exercise=row[3],
                source=row[4],
                status=row[5],
                reps={"left": row[6], "right": row[7], "both": row[8]},
                mean_score=row[9],
                mean_hold_s=row[10],
                median_peak_deg=row[11],
                top_fault=row[12],
            )
            for row in self._db.execute(query, params)
        ]

    def result(self, session_id: int) -> dict[str, Any]:
        row = self._db.execute("SELECT result_json FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise KeyError(f"no session {session_id}")
        return json.loads(row[0])

    def delete_session(self, session_id: int) -> None:
        with self._db:
            self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
