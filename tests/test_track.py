"""Track files: round trip, landmarks from another tool, and clear errors for bad files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from formcheck.pose_types import PoseFrame
from formcheck.track import Track, TrackFormatError


def _frame(t: float, seed: int) -> PoseFrame:
    rng = np.random.default_rng(seed)
    landmarks = rng.uniform(0, 1, (33, 5)).astype(np.float32)
    world = rng.uniform(-1, 1, (33, 3)).astype(np.float32)
    return PoseFrame(timestamp_s=t, image_size=(640, 480), landmarks=landmarks, world=world, num_people=1)


def test_round_trip_keeps_every_value(tmp_path):
    frames = [_frame(0.0, 1), PoseFrame.empty(0.04, (640, 480)), _frame(0.09, 2)]
    track = Track(frames=frames, image_size=(640, 480), fps=25.0, source="clip.mp4", model="m.task")
    loaded = Track.load(track.save(tmp_path / "t.json"))
    assert loaded.image_size == (640, 480) and loaded.fps == 25.0 and loaded.source == "clip.mp4"
    assert [f.detected for f in loaded.frames] == [True, False, True]
    assert [f.timestamp_s for f in loaded.frames] == [0.0, 0.04, 0.09]
    for original, restored in zip(frames, loaded.frames, strict=True):
        if original.detected:
            np.testing.assert_allclose(restored.landmarks, original.landmarks, atol=1e-5)
            np.testing.assert_allclose(restored.world, original.world, atol=1e-5)
    assert loaded.detection_rate == pytest.approx(2 / 3)


def test_landmarks_from_another_tool_need_only_xy(tmp_path):
    xy = [[0.1 + i / 100, 0.2 + i / 200] for i in range(33)]
    data = {
        "schema": "formcheck.track",
        "version": 1,
        "image_size": [1280, 720],
        "frames": [{"t": 0.0, "landmarks": xy}, {"t": 0.5, "landmarks": None}],
    }
    path = tmp_path / "other.json"
    path.write_text(json.dumps(data))
    track = Track.load(path)
    first = track.frames[0]
    assert first.detected and first.world is None
    assert first.pixel(25)[0] == pytest.approx((0.1 + 25 / 100) * 1280, rel=1e-5)
    assert first.visibility(25) == 1.0
    assert not track.frames[1].detected


@pytest.mark.parametrize(
    "content,message",
    [
        ("not json", "not a JSON track"),
        (json.dumps({"hello": 1}), "not a formcheck track"),
        (json.dumps({"schema": "formcheck.track", "version": 99, "image_size": [1, 1], "frames": []}), "version 99"),
        (
            json.dumps(
                {
                    "schema": "formcheck.track",
                    "version": 1,
                    "image_size": [1, 1],
                    "frames": [{"t": 0, "landmarks": [[0, 0]] * 5}],
                }
            ),
            "33 rows",
        ),
        (
            json.dumps(
                {
                    "schema": "formcheck.track",
                    "version": 1,
                    "image_size": [1, 1],
                    "frames": [{"t": 1, "landmarks": None}, {"t": 0.5, "landmarks": None}],
                }
            ),
            "must increase",
        ),
    ],
)
def test_bad_track_files_explain_themselves(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(TrackFormatError, match=message):
        Track.load(path)
