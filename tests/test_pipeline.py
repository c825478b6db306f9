"""The file pipeline: `analyze --annotated` decodes the clip once and draws the final result."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest

from formcheck import video_io
from formcheck.analysis.overlay import draw_state
from formcheck.clip_analysis import analyze_clip
from formcheck.streams import SpooledFrames

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"


def _decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_annotated_analysis_decodes_once_and_draws_the_final_reps(tmp_path, monkeypatch):
    clip = SAMPLES / "bridge_clean_side.mp4"
    source = _decode(clip)
    decoded = []
    real_rgb = video_io._rgb
    monkeypatch.setattr(video_io, "_rgb", lambda frame: decoded.append(1) or real_rgb(frame))

    out = tmp_path / "annotated.mp4"
    analysis = analyze_clip(clip, "bridge", annotated_path=out)

    assert len(decoded) == len(source)  # every frame decoded exactly once
    annotated = _decode(out)
    assert len(annotated) == len(source) and annotated[0].shape == source[0].shape
    reps = analysis.result.reps
    assert reps, "the sample clip has reps"
    # A frame shortly after the first rep ends must show the *final* count on its panel, not
    # a count off by one (the panel is the top band of the picture).
    i = next(k for k, s in enumerate(analysis.states) if s.t > reps[0].end_s + 0.2)
    state, pose = analysis.states[i], analysis.track.frames[i]
    right = draw_state(source[i], pose, state)
    wrong = draw_state(source[i], pose, replace(state, reps={k: v + 1 for k, v in state.reps.items()}))
    where = np.abs(right.astype(int) - wrong.astype(int)).max(axis=2) > 40  # the pixels of the digit
    assert where.sum() > 20

    def diff(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.abs(a[where].astype(int) - b[where].astype(int)).mean())

    assert diff(annotated[i], right) < 0.3 * diff(annotated[i], wrong)
    assert np.abs(annotated[i].astype(int) - right.astype(int)).mean() < 3.0  # and the rest of the picture


@pytest.mark.parametrize("max_height", [None, 24])
def test_spooled_frames_come_back_in_order(max_height):
    rng = np.random.default_rng(1)
    noise = [rng.integers(0, 3, (48, 64, 3), dtype=np.uint8) for _ in range(20)]
    frames = [np.full((48, 64, 3), 10 * i, np.uint8) + n for i, n in enumerate(noise)]
    with SpooledFrames(quality=95, max_height=max_height) as spool:
        for i, frame in enumerate(frames):
            spool.put(frame, {"index": i})
        items = list(spool.items())
    back = [image for image, _ in items]
    assert [extra for _, extra in items] == [{"index": i} for i in range(len(frames))]
    assert len(back) == len(frames)
    for i, (a, b) in enumerate(zip(frames, back, strict=True)):
        assert b.shape == ((48, 64, 3) if max_height is None else (24, 32, 3))
        assert abs(float(b.mean()) - float(a.mean())) < 2.0, i  # the same frame, in the same place


def test_spool_refuses_frames_after_reading_started():
    with SpooledFrames() as spool:
        spool.put(np.zeros((8, 8, 3), np.uint8))
        list(spool.items())
        with pytest.raises(ValueError):
            spool.put(np.zeros((8, 8, 3), np.uint8))
