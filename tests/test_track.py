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


def _saved(tmp_path, count: int = 40, extra: dict | None = None):
    frames = [_frame(i / 30, i) if i % 7 else PoseFrame.empty(i / 30, (640, 480)) for i in range(count)]
    track = Track(frames=frames, image_size=(640, 480), fps=30.0, source="c.mp4", model="m", extra=extra or {})
    return track, track.save(tmp_path / "t.json")


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_streamed_frames_equal_a_whole_read_whatever_the_buffer_size(tmp_path, monkeypatch, chunk):
    import formcheck.track as track_module

    track, path = _saved(tmp_path, extra={"note": "after the frames"})
    whole = Track.from_dict(json.loads(path.read_text()))
    monkeypatch.setattr(track_module, "_CHUNK", chunk)
    header, frames = Track.stream(path)
    streamed = list(frames)
    assert header.image_size == (640, 480) and header.fps == 30.0 and header.source == "c.mp4"
    assert header.extra == {"note": "after the frames"}
    assert len(streamed) == len(whole.frames) == 40
    for a, b in zip(whole.frames, streamed, strict=True):
        assert a.timestamp_s == b.timestamp_s and a.num_people == b.num_people
        if a.detected:
            np.testing.assert_array_equal(a.landmarks, b.landmarks)
            np.testing.assert_array_equal(a.world, b.world)
        else:
            assert not b.detected


def test_stream_yields_frames_before_reading_the_rest(tmp_path):
    _, path = _saved(tmp_path)
    data = json.loads(path.read_text())
    data["frames"][3]["landmarks"] = [[0, 0]] * 5
    path.write_text(json.dumps(data))
    _, frames = Track.stream(path)
    assert next(frames).timestamp_s == 0.0 and next(frames) and next(frames)
    with pytest.raises(TrackFormatError, match="33 rows"):
        next(frames)


def test_truncated_and_reordered_files_read_as_before(tmp_path):
    track, path = _saved(tmp_path)
    text = path.read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2])
    with pytest.raises(json.JSONDecodeError) as json_error:
        json.loads(cut.read_text())
    with pytest.raises(TrackFormatError, match="not a JSON track") as caught:
        list(Track.stream(cut)[1])
    assert str(caught.value) == f"cut.json is not a JSON track file ({json_error.value})"
    data = json.loads(text)
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps({"frames": data["frames"], **{k: v for k, v in data.items() if k != "frames"}}))
    assert len(Track.load(reordered).frames) == len(track.frames)
