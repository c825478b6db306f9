"""The SQLite history: sessions survive reopening, per-patient trends come out in time order, and the
file is migrated, private and never overwritten when it cannot be read."""

from __future__ import annotations

import csv
import sqlite3
import stat
from datetime import UTC, datetime, timedelta

import pytest

from formcheck.analysis import get_exercise
from formcheck.cli import main
from formcheck.history import SCHEMA_VERSION, AlreadySaved, HistoryError, HistoryStore, NotScorable
from formcheck.prescription import Prescription
from tests.made_results import made_result as _result


def test_sessions_persist_and_summarise(tmp_path):
    db = tmp_path / "h.sqlite3"
    week0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with HistoryStore(db) as store:
        store.add_session(
            "Ana Ruiz",
            _result(
                "clamshell",
                [
                    ("left", 60, 1.0, ["pelvis_rollback"]),
                    ("left", 70, 1.5, ["pelvis_rollback", "feet_apart"]),
                    ("right", 80, 2.0, []),
                ],
            ),
            week0,
        )
        store.add_session(
            "ana ruiz", _result("clamshell", [("left", 90, 2.0, []), ("right", 95, 2.5, [])]), week0 + timedelta(days=7)
        )
        store.add_session("Ben Okafor", _result("bridge", [("both", 50, 0.5, ["short_hold"])]), week0)
    with HistoryStore(db) as store:  # reopened from disk
        assert store.patients() == ["Ana Ruiz", "Ben Okafor"]  # names match case-insensitively
        rows = store.sessions("Ana Ruiz", "clamshell")
        assert [r.recorded_at for r in rows] == [week0, week0 + timedelta(days=7)]
        first, second = rows
        assert first.reps == {"left": 2, "right": 1, "both": 0}
        assert first.mean_score == pytest.approx(70.0)
        assert first.mean_hold_s == pytest.approx(1.5)
        assert first.median_peak_deg == pytest.approx(151.0)  # the report's peak: the mean of 150, 151, 152
        assert first.top_fault == "pelvis_rollback"
        assert second.top_fault is None and second.mean_score == pytest.approx(92.5)
        assert store.result(first.id)["reps"][1]["faults"][1]["code"] == "feet_apart"
        store.delete_session(first.id)
        assert len(store.sessions("Ana Ruiz")) == 1


def test_blank_patient_name_is_refused(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store, pytest.raises(ValueError, match="patient name"):
        store.add_session("  ", _result("bridge", []))


# --- Hardening: schema version and migrations, WAL, private files, plain errors ---------------

# The schema formcheck used before it numbered its schema (user_version 0), exactly as it was.
PREVIOUS_SCHEMA = """
CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    recorded_at TEXT NOT NULL, exercise TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL, reps_left INTEGER NOT NULL DEFAULT 0, reps_right INTEGER NOT NULL DEFAULT 0,
    reps_both INTEGER NOT NULL DEFAULT 0, mean_score REAL, mean_hold_s REAL, median_peak_deg REAL,
    top_fault TEXT, result_json TEXT NOT NULL
);
CREATE INDEX sessions_by_patient ON sessions(patient_id, recorded_at);
INSERT INTO patients(name) VALUES ('Old Patient');
INSERT INTO sessions(patient_id, recorded_at, exercise, status, reps_both, mean_score, result_json)
VALUES (1, '2026-10-01T09:00:00+00:00', 'bridge', 'ok', 5, 88.0, '{"exercise": "bridge", "reps": []}');
"""
# An even older table: no source, per-side counts or summary columns.
OLDER_SCHEMA = """
CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL, recorded_at TEXT NOT NULL,
    exercise TEXT NOT NULL, status TEXT NOT NULL, result_json TEXT NOT NULL
);
INSERT INTO patients(name) VALUES ('Older Patient');
INSERT INTO sessions(patient_id, recorded_at, exercise, status, result_json)
VALUES (1, '2026-09-01T09:00:00+00:00', 'clamshell', 'ok', '{"exercise": "clamshell", "reps": []}');
"""


def _make_db(path, script: str) -> None:
    db = sqlite3.connect(path)
    db.executescript(script)
    db.commit()
    db.close()


@pytest.mark.parametrize("script,patient", [(PREVIOUS_SCHEMA, "Old Patient"), (OLDER_SCHEMA, "Older Patient")])
def test_an_earlier_database_is_migrated_and_keeps_its_sessions(tmp_path, script, patient):
    db = tmp_path / "h.sqlite3"
    _make_db(db, script)
    with HistoryStore(db) as store:
        (old,) = store.sessions(patient)
        assert old.recorded_at == datetime(2026, 10 if script is PREVIOUS_SCHEMA else 9, 1, 9, tzinfo=UTC)
        new_id = store.add_session(patient, _result("bridge", [("both", 90, 2.0, [])]), video_path="/x/v.mp4")
        assert len(store.sessions(patient)) == 2
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("SELECT video_path FROM sessions WHERE id = ?", (new_id,)).fetchone()[0] == "/x/v.mp4"
    raw.close()


def test_the_database_uses_wal_a_busy_timeout_and_owner_only_files(tmp_path):
    folder = tmp_path / "data"
    db = folder / "h.sqlite3"
    with HistoryStore(db) as store:
        store.add_session("Ana", _result("bridge", [("both", 90, 2.0, [])]))
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
        files = [p for p in folder.iterdir() if p.name.startswith("h.sqlite3")]
        assert {p.name for p in files} >= {"h.sqlite3", "h.sqlite3-wal", "h.sqlite3-shm"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    db = tmp_path / "h.sqlite3"
    _make_db(db, PREVIOUS_SCHEMA)
    db.chmod(0o644)
    HistoryStore(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "case,expected",
    [
        ("garbage", "damaged or is not a formcheck history"),
        ("torn page", "damaged"),
        ("newer schema", "newer formcheck"),
        ("foreign table", "does not know"),
        ("folder", "is a folder"),
    ],
)
def test_an_unusable_database_is_a_plain_message_and_is_left_as_it_was(tmp_path, case, expected):
    db = tmp_path / "h.sqlite3"
    if case == "garbage":
        db.write_bytes(b"these are a therapist's notes, not a database\n" * 100)
    elif case == "torn page":
        names = "".join(f"INSERT INTO patients(name) VALUES ('p{i}');" for i in range(3000))
        _make_db(db, PREVIOUS_SCHEMA + f"BEGIN; {names} COMMIT;")
        data = bytearray(db.read_bytes())
        data[4096 * 2 : 4096 * 2 + 200] = b"\xff" * 200  # scribble over a b-tree page
        db.write_bytes(bytes(data))
    elif case == "newer schema":
        _make_db(db, PREVIOUS_SCHEMA + "PRAGMA user_version = 99;")
    elif case == "foreign table":
        _make_db(db, "CREATE TABLE sessions (id INTEGER PRIMARY KEY, t TEXT); INSERT INTO sessions VALUES (1, 'a');")
    elif case == "folder":
        db.mkdir()
    before = None if db.is_dir() else db.read_bytes()
    with pytest.raises(HistoryError, match=expected) as caught:
        HistoryStore(db)
    assert "\n" not in str(caught.value) and "Traceback" not in str(caught.value)
    if before is not None:
        assert db.read_bytes() == before


def test_the_history_command_lists_and_exports(tmp_path, capsys):
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        store.add_session("Ana", _result("bridge", [("both", 90, 2.0, []), ("both", 70, 1.0, ["short_hold"])]))
    assert main(["history", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == "Ana"
    out = tmp_path / "export" / "ana.csv"
    assert main(["history", "--db", str(db), "--patient", "Ana", "--csv", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1 and rows[0]["reps_both"] == "2" and float(rows[0]["mean_score"]) == pytest.approx(80.0)


def test_the_history_command_reports_a_damaged_database_in_one_line(tmp_path, capsys):
    db = tmp_path / "h.sqlite3"
    db.write_bytes(b"garbage" * 500)
    assert main(["history", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "damaged" in err and "Traceback" not in err
    assert db.read_bytes() == b"garbage" * 500


def test_only_scored_results_are_saved_and_only_once(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        with pytest.raises(NotScorable):
            store.add_session("Ana", _result("bridge", []))
        with pytest.raises(NotScorable):
            store.add_session("Ana", {**_result("bridge", [("both", 90, 2.0, [])]), "status": "wrong_view"})
        result = _result("bridge", [("both", 90, 2.0, [])])
        store.add_session("Ana", result)
        with pytest.raises(AlreadySaved):
            store.add_session("ana", result)
        store.add_session("Ben", result)  # another patient may have the same numbers
        assert len(store.sessions()) == 2


def test_prescriptions_are_stored_per_patient_and_exercise(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        default = store.prescription("Ana", "clamshell")
        assert default.is_default and default.reps == get_exercise("clamshell").reps_target
        store.set_prescription("Ana", Prescription("clamshell", sets=2, reps=12, hold_s=2.5, sides="left", notes="x"))
        store.set_prescription("Ana", Prescription("clamshell", sets=3, reps=10, hold_s=2.0, target_rom_deg=40))
        store.set_prescription("Ana", Prescription("bridge", sets=1, reps=8, hold_s=5))
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        clam = store.prescription("ana", "clamshell")
        assert (clam.sets, clam.reps, clam.hold_s, clam.sides, clam.target_rom_deg) == (3, 10, 2.0, "both", 40)
        assert not clam.is_default and store.prescription("Ana", "bridge").reps == 8
        assert store.prescription("Ben", "bridge").is_default


def test_deleting_a_session_deletes_its_kept_video(tmp_path):
    video = tmp_path / "kept.mp4"
    video.write_bytes(b"v")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session = store.add_session("Ana", _result("bridge", [("both", 90, 2.0, [])]), video_path=video)
        store.delete_session(session)
        assert store.sessions("Ana") == [] and not video.exists()
