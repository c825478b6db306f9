"""Live coaching: webcam-like frames through LiveCoach give the truth's reps, and a stalled camera is noticed."""

from __future__ import annotations

import json
from pathlib import Path

from formcheck.analysis import Analyzer
from formcheck.analysis.overlay import draw_state
from formcheck.live import STALL_AFTER_S, LiveCoach
from formcheck.video_io import read_frames

SAMPLE = Path(__file__).resolve().parent.parent / "sample_videos" / "clamshell_clean_front.mp4"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_webcam_frames_are_coached_like_a_file():
    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text())
    clock = FakeClock()
    coach = LiveCoach(Analyzer("clamshell", live=True), draw_state, clock=clock)
    assert coach.snapshot().seconds_since_frame is None
    start = None
    for frame in read_frames(SAMPLE):
        start = clock.now if start is None else start
        clock.now = start + frame.timestamp_s  # frames arrive in real time
        annotated = coach.process(frame.image)
        assert annotated.shape == frame.image.shape
    snapshot = coach.snapshot()
    assert not snapshot.stalled
    assert snapshot.fps > 20
    side = truth["reps"][0]["side"]
    assert snapshot.state.reps[side] == len(truth["reps"])

    clock.now += STALL_AFTER_S + 0.5  # the camera stops sending frames
    assert coach.snapshot().stalled
    result = coach.finish()
    assert result.rep_counts[side] == len(truth["reps"])
