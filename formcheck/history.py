"""Session history in a local SQLite file, so a therapist can follow patients over weeks.

The database stays on the machine that runs formcheck (default ``~/.formcheck/history.sqlite3``,
or ``$FORMCHECK_DATA_DIR/history.sqlite3``), readable by its owner only. It stores the analysis
results; a video only when the user chose to keep it (in ``videos/`` beside it, also owner-only).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from formcheck.errors import UserError
from formcheck.prescription import Prescription, default_prescription

# The schema as of each version; ``PRAGMA user_version`` says which one a file has.
# Version 1 is the layout formcheck used before it numbered its schema (user_version 0).
SCHEMA_VERSION = 2
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
    result_json TEXT NOT NULL,
    video_path TEXT,                    -- version 2: the kept video, when the user chose to keep it
    result_hash TEXT                    -- version 2: the same result is saved once per patient
);
CREATE INDEX IF NOT EXISTS sessions_by_patient ON sessions(patient_id, recorded_at);
CREATE UNIQUE INDEX IF NOT EXISTS sessions_once ON sessions(patient_id, result_hash);
CREATE TABLE IF NOT EXISTS prescriptions (          -- version 2: the therapist's dose per exercise
    patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    exercise TEXT NOT NULL,
    sets INTEGER NOT NULL,
    reps INTEGER NOT NULL,              -- per set; per side for a one-sided exercise
    hold_s REAL NOT NULL,
    sides TEXT NOT NULL,                -- both | left | right
    target_rom_deg REAL,
    notes TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (patient_id, exercise)
);
"""
# Columns a table from an earlier formcheck may lack, and how to add each (all nullable or defaulted).
ADDABLE_COLUMNS = {
    "source": "TEXT NOT NULL DEFAULT ''",
    "reps_left": "INTEGER NOT NULL DEFAULT 0",
    "reps_right": "INTEGER NOT NULL DEFAULT 0",
    "reps_both": "INTEGER NOT NULL DEFAULT 0",
    "mean_score": "REAL",
    "mean_hold_s": "REAL",
    "median_peak_deg": "REAL",
    "top_fault": "TEXT",
    "video_path": "TEXT",
    "result_hash": "TEXT",
}
BUSY_TIMEOUT_S = 30.0  # another app tab or a CLI run may be writing; wait rather than fail


class HistoryError(UserError):
    """The history database cannot be used; the message is meant for the user."""


class NotScorable(UserError):
    """A result with no counted reps: nothing for a therapist to follow, so it is not saved."""


class AlreadySaved(UserError):
    """The same result is already in this patient's history."""


def data_dir() -> Path:
    return Path(os.environ.get("FORMCHECK_DATA_DIR", Path.home() / ".formcheck"))


def default_database_path() -> Path:
    return data_dir() / "history.sqlite3"


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


@contextlib.contextmanager
def _plain_errors(path: Path, doing: str):
    """Any SQLite failure becomes one plain sentence (no traceback, nothing half-written)."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise  # a rule of the data (a duplicate), for the caller to word
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            reason = "it is damaged or is not a formcheck history file"
        elif "locked" in text or "busy" in text:
            reason = "another formcheck is using it; try again in a moment"
        elif "readonly" in text or "read-only" in text:
            reason = "it is read-only"
        elif "disk" in text and "full" in text:
            reason = "the disk is full"
        else:
            reason = str(exc)
        message = f"Could not {doing} the patient history at {path}: {reason}. It was left as it was."
        raise HistoryError(message) from None


def _statements(script: str) -> list[str]:
    """Split a script into statements the way SQLite does (comments and strings may hold ';')."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements


def _private_file(path: Path) -> None:
    """Create the database file 0600 in a 0700 folder (patient data), or tighten an existing one."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if path.is_dir():
        raise HistoryError(f"The patient history path {path} is a folder, not a database file.")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        os.close(fd)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
    except OSError as exc:
        raise HistoryError(f"Could not open the patient history at {path}: {exc.strerror or exc}.") from None


class HistoryStore:
    """The history database: checked on open, migrated to the current schema, WAL, 0600."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_database_path()
        _private_file(self.path)
        with _plain_errors(self.path, "open"):
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            with _plain_errors(self.path, "open"):
                self._open()
        except BaseException:
            self._db.close()
            raise

    def _open(self) -> None:
        db = self._db
        # Read-only checks first: a damaged or foreign file is reported, never written to.
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            detail = " ".join(check.split())[:120]
            raise HistoryError(
                f"The patient history at {self.path} is damaged ({detail}). It was left as it was; "
                "restore it from a backup or move it aside to start a new one."
            )
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"The patient history at {self.path} was written by a newer formcheck (schema {version}); "
                "update formcheck to open it."
            )
        if version < SCHEMA_VERSION:
            self._migrate()  # refuses a table it does not know before writing anything
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")

    def _migrate(self) -> None:
        """Bring an unversioned (version 1) or empty file to SCHEMA_VERSION in one transaction."""
        db = self._db
        db.isolation_level = None  # manage the transaction ourselves: DDL must be inside it
        try:
            db.execute("BEGIN IMMEDIATE")
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "sessions" in tables:
                have = {r[1] for r in db.execute("PRAGMA table_info(sessions)")}
                missing_core = {"patient_id", "recorded_at", "exercise", "status", "result_json"} - have
                if missing_core:
                    raise HistoryError(
                        f"The patient history at {self.path} has a sessions table formcheck does not know "
                        f"(no {', '.join(sorted(missing_core))}). It was left as it was."
                    )
                for column, declaration in ADDABLE_COLUMNS.items():
                    if column not in have:
                        db.execute(f"ALTER TABLE sessions ADD COLUMN {column} {declaration}")
            for statement in _statements(SCHEMA_SQL):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.isolation_level = ""

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

    def add_session(
        self,
        patient: str,
        result: dict[str, Any],
        recorded_at: datetime | None = None,
        video_path: str | Path | None = None,
    ) -> int:
        """Store one analysis result (``SessionResult.to_dict()``) for a patient; returns its id.

        ``video_path``: where the patient's video was kept, only when they chose to keep it.
        """
        if not patient.strip():
            raise ValueError("a patient name is needed to save a session")
        if result.get("status") != "ok" or not result.get("reps"):
            raise NotScorable("Only a scored result can be saved: this clip has no counted reps.")
        recorded_at = recorded_at or datetime.now(UTC)
        summary = _summarise(result)
        text = json.dumps(result, sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()
        try:
            with _plain_errors(self.path, "save to"), self._db:
                cursor = self._insert_session(patient, result, recorded_at, summary, text, digest, video_path)
        except sqlite3.IntegrityError:
            raise AlreadySaved(f"This result is already saved for {patient.strip()}.") from None
        return int(cursor.lastrowid)

    def _insert_session(
        self,
        patient: str,
        result: dict[str, Any],
        recorded_at: datetime,
        summary: dict[str, Any],
        text: str,
        digest: str,
        video_path: str | Path | None,
    ) -> sqlite3.Cursor:
        return self._db.execute(
            """INSERT INTO sessions(patient_id, recorded_at, exercise, source, status, reps_left, reps_right,
                   reps_both, mean_score, mean_hold_s, median_peak_deg, top_fault, result_json, video_path,
                   result_hash)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
                text,
                None if video_path is None else str(video_path),
                digest,
            ),
        )

    def set_prescription(self, patient: str, prescription: Prescription) -> None:
        with _plain_errors(self.path, "save to"), self._db:
            self._db.execute(
                """INSERT INTO prescriptions(patient_id, exercise, sets, reps, hold_s, sides, target_rom_deg, notes,
                   updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(patient_id, exercise) DO UPDATE SET sets = excluded.sets, reps = excluded.reps,
                   hold_s = excluded.hold_s, sides = excluded.sides, target_rom_deg = excluded.target_rom_deg,
                   notes = excluded.notes, updated_at = excluded.updated_at""",
                (
                    self._patient_id(patient),
                    prescription.exercise,
                    prescription.sets,
                    prescription.reps,
                    prescription.hold_s,
                    prescription.sides,
                    prescription.target_rom_deg,
                    prescription.notes,
                    datetime.now(UTC).isoformat(),
                ),
            )

    def prescription(self, patient: str, exercise: str) -> Prescription:
        """The patient's prescription for the exercise, or the default dose when none is set."""
        with _plain_errors(self.path, "read"):
            row = self._db.execute(
                """SELECT sets, reps, hold_s, sides, target_rom_deg, notes FROM prescriptions r
                   JOIN patients p ON p.id = r.patient_id WHERE p.name = ? AND r.exercise = ?""",
                (patient.strip(), exercise),
            ).fetchone()
        if row is None:
            return default_prescription(exercise)
        return Prescription(exercise, row[0], row[1], row[2], row[3], row[4], row[5])

    def patients(self) -> list[str]:
        with _plain_errors(self.path, "read"):
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
        with _plain_errors(self.path, "read"):
            rows = self._db.execute(query, params).fetchall()
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
            for row in rows
        ]

    def result(self, session_id: int) -> dict[str, Any]:
        with _plain_errors(self.path, "read"):
            row = self._db.execute("SELECT result_json FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise KeyError(f"no session {session_id}")
        return json.loads(row[0])

    def delete_session(self, session_id: int) -> None:
        """Remove the session, and the video kept with it."""
        with _plain_errors(self.path, "delete from"), self._db:
            row = self._db.execute("SELECT video_path FROM sessions WHERE id = ?", (session_id,)).fetchone()
            self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        if row and row[0]:
            Path(row[0]).unlink(missing_ok=True)
