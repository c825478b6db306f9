"""Real ``SessionResult.to_dict()`` results with chosen reps, for history and app tests (no video needed)."""

from __future__ import annotations

from formcheck.analysis import RepResult, SessionResult, get_exercise
from formcheck.analysis.codes import Status
from formcheck.analysis.result import FaultHit
from formcheck.analysis.summary import SessionSummary


def made_result(exercise: str, reps: list[tuple[str, float, float, list[str]]]) -> dict:
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
