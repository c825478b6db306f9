"""The SQLite history: sessions survive reopening, and per-patient trends come out in time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from formcheck.analysis import RepResult, SessionResult, get_exercise
from formcheck.analysis.codes import Status
from formcheck.analysis.result import FaultHit
from formcheck.analysis.summary import SessionSummary
from formcheck.history import HistoryStore


def _result(exercise: str, reps: list[tuple[str, float, float, list[str]]]) -> dict:
    """A real SessionResult.to_dict() with these reps: (side, score, hold, fault codes) each."""
    spec = get_exercise(exercise)
    rep_results = [
        RepResult(
            index=i,
            side=side,
            start_s=5.0 * i,
            top_s=5.0 * i + 1.5,
            hold_end_s=5.0 * i + 1.5 + hold,
            end_s=5.0 * i + 3.0 + hold,
            hold_s=hold,
            time_at_top_s=hold,
            peak_angle_deg=150.0 + i,
            baseline_angle_deg=120.0,
            up_s=1.5,
            down_s=1.5,
            metrics={},
            faults=[FaultHit(c, 10.0, "deg", None, f"cue for {c}") for c in faults],
            score=int(score),
        )
        for i, (side, score, hold, faults) in enumerate(reps)
    ]
    return SessionResult(
        exercise=spec.name,
        status=Status.OK if reps else Status.NO_REPS,
        message=None,
        view=None,
        view_azimuth_deg=None,
        recommended_views=list(spec.recommended_views),
        not_measurable={},
        side_mode="auto",
        duration_s=5.0 * len(reps),
        frames=150 * len(reps),
        detected_frames=150 * len(reps),
        reps=rep_results,
        summary=SessionSummary.of_reps(spec, rep_results),
        primary_key=spec.primary.key,
        source="clip.mp4",
    ).to_dict()


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
