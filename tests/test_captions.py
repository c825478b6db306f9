"""The file video's captions: the final result's reps, holds and fault cues, timed by frame."""

from __future__ import annotations

from dataclasses import replace

from formcheck.analysis import RepResult, SessionResult, get_exercise
from formcheck.analysis.captions import BOTTOM, TOP, cues, webvtt
from formcheck.analysis.codes import Status
from formcheck.analysis.result import FaultHit, LiveState
from formcheck.analysis.summary import SessionSummary

FPS = 10.0


def _state(t: float, cue: str | None = None) -> LiveState:
    return LiveState(
        t=t,
        status="ok",
        phase="rest",
        reps={"left": 0, "right": 0},
        side="left",
        hold_s=0.0,
        values={"opening_deg": 10.0},
        primary_key="opening_deg",
        cue=cue,
        cue_code="position" if cue else None,
        view="front",
        in_position=True,
    )


def _result(reps: list[RepResult]) -> SessionResult:
    spec = get_exercise("clamshell")
    return SessionResult(
        exercise=spec.name,
        status=Status.OK,
        message=None,
        view="front",
        view_azimuth_deg=0.0,
        recommended_views=list(spec.recommended_views),
        not_measurable={},
        side_mode="auto",
        duration_s=6.0,
        frames=60,
        detected_frames=60,
        reps=reps,
        summary=SessionSummary.of_reps(spec, reps),
        primary_key=spec.primary.key,
        source="clip.mp4",
    )


# One left rep: up 1.0-1.5 s, held 1.5-2.5 s, down by 3.0 s, with a fault found in it.
REP = RepResult(
    index=0,
    side="left",
    start_s=1.0,
    top_s=1.5,
    hold_end_s=2.5,
    end_s=3.0,
    hold_s=1.0,
    time_at_top_s=1.0,
    peak_angle_deg=40.0,
    baseline_angle_deg=5.0,
    up_s=0.5,
    down_s=0.5,
    metrics={},
    faults=[FaultHit("feet_apart", 6.0, "cm", "left", "Keep your feet <together>")],
    score=80,
)


def test_captions_carry_the_final_count_hold_and_fault_cue_at_the_frames_they_belong_to():
    # The live states (what the streaming pass saw) know nothing of the rep: no count, no hold.
    states = [_state(i / FPS) for i in range(60)]
    found = list(cues(_result([REP]), states, FPS))
    top = [c for c in found if c.settings == TOP]
    bottom = [c for c in found if c.settings == BOTTOM]
    # The top line runs without gaps from the first frame to the end of the last one.
    assert top[0].start_s == 0.0 and top[-1].end_s == 6.0
    assert all(a.end_s == b.start_s for a, b in zip(top, top[1:], strict=False))  # same frame clock
    at = {round(c.start_s, 3): c.text for c in top}
    assert at[0.0] == "Reps L 0  R 0   Hold 0.0 s"
    assert at[2.0] == "Reps L 0  R 0   Hold 0.5 s"  # half-way through the 1 s hold
    assert at[3.0] == "Reps L 1  R 0   Hold 0.0 s"  # counted when the rep ends, as the report counts it
    assert at[3.0] == top[-1].text
    # Identical frames merge: one cue per change, not one per frame.
    assert len(top) < 20
    # The rep's fault is the bottom line from its end through the frame 2.5 s later.
    shown = [(round(c.start_s, 6), round(c.end_s, 6), c.text) for c in bottom]
    assert shown == [(3.0, 5.6, "Keep your feet <together>")]


def test_the_webvtt_text_is_timed_and_escaped():
    states = [_state(i / FPS) for i in range(60)]
    states[5] = replace(states[5], cue="Move the camera & try again")
    text = webvtt(_result([REP]), states, FPS)
    assert text.startswith("WEBVTT\n\n")
    assert "00:00:00.500 --> 00:00:00.600 align:center\nMove the camera &amp; try again" in text
    assert "00:00:03.000 --> 00:00:05.600 align:center\nKeep your feet &lt;together&gt;" in text
    assert "00:00:03.000 --> 00:00:06.000 line:0 align:center\nReps L 1  R 0   Hold 0.0 s" in text


def test_a_clip_without_frames_has_no_cues():
    assert webvtt(_result([]), [], FPS) == "WEBVTT\n"
