"""The SQLite history: sessions survive reopening, and per-patient trends come out in time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from formcheck.history import HistoryStore


def _result(exercise: str, reps: list[tuple[str, float, float, list[str]]]) -> dict:
    """A result dict shaped like SessionResult.to_dict(): (side, score, hold, fault codes) per rep."""
    return {
        "schema": "formcheck.analysis",
        "exercise": exercise,
        "status": "ok",
        "source": "clip.mp4",
        "reps": [
            {
                "index": i,
                "side": side,
                "score": score,
                "hold_s": hold,
                "peak_angle_deg": 150 + i,
                "faults": [{"code": c, "magnitude": 10.0} for c in faults],
            }
            for i, (side, score, hold, faults) in enumerate(reps)
        ],
    }


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
        assert first.median_peak_deg == pytest.approx(151.0)
        assert first.top_fault == "pelvis_rollback"
        assert second.top_fault is None and second.mean_score == pytest.approx(92.5)
        assert store.result(first.id)["reps"][1]["faults"][1]["code"] == "feet_apart"
        store.delete_session(first.id)
        assert len(store.sessions("Ana Ruiz")) == 1


def test_blank_patient_name_is_refused(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store, pytest.raises(ValueError, match="patient name"):
        store.add_session("  ", _result("bridge", []))
