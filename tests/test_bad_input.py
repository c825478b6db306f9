"""Bad input gets a clear message and loses nothing: malformed tracks and videos, NaNs, cut-short clips,
a second person in view."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis import Analyzer
from formcheck.cli import main
from formcheck.clip_analysis import analyze_clip
from formcheck.errors import UserError
from formcheck.pose import PoseEstimator, PoseSettings
from formcheck.synth import SynthSpec, simulate
from formcheck.track import Track
from formcheck.video_io import ReadReport, read_frames

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"


@pytest.mark.parametrize("name,content", [("holiday.mp4", b"\x00\x01garbage" * 500), ("notes.mov", b"")])
def test_corrupt_upload_is_a_user_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError) as caught:
        analyze_clip(path, "bridge", annotated_path=tmp_path / "out.mp4")
    assert name in str(caught.value)


@pytest.mark.parametrize("num_poses", [2, 1], ids=["detector-every-frame", "tracker-and-people-check"])
def test_second_person_is_named_and_reps_still_counted(num_poses):
    clip = SAMPLES / "clamshell_clean_front.mp4"
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    analyzer = Analyzer("clamshell")
    cues = set()
    with PoseEstimator(PoseSettings(num_poses=num_poses)) as estimator:
        for frame in read_frames(clip):
            twins = np.concatenate([frame.image, frame.image[:, ::-1]], axis=1)  # a mirrored second person
            state = analyzer.update(estimator.process(twins, frame.timestamp_s))
            cues.add(state.cue_code)
    result = analyzer.finish()
    assert "people" in cues
    assert result.message and "more than one person" in result.message
    # The mirror image works the other leg and is the same size, so either may be followed:
    # the count, not the side, is what must survive the second person.
    assert sum(result.rep_counts.values()) == len(truth["reps"])


# --- Malformed track files: each a one-line message, never a traceback -------------------------

GOOD_ROW = [0.5, 0.5, 0.0, 0.9, 0.9]


def _track(**overrides) -> dict:
    data = {
        "schema": "formcheck.track",
        "version": 1,
        "image_size": [640, 480],
        "fps": 30.0,
        "frames": [{"t": 0.0, "people": 1, "landmarks": [GOOD_ROW] * 33, "world": None}],
    }
    data.update(overrides)
    return data


def _frame(**overrides) -> dict:
    frame = {"t": 0.0, "people": 1, "landmarks": [GOOD_ROW] * 33, "world": None}
    frame.update(overrides)
    return frame


MALFORMED_TRACKS = {
    "not json": "{this is not json",
    "binary": b"\xff\xfe\x00\x01" * 100,
    "a list": "[1, 2, 3]",
    "a number": "42",
    "no schema": json.dumps({"version": 1, "frames": []}),
    "another schema": json.dumps(_track(schema="someone.else")),
    "version 2": json.dumps(_track(version=2)),
    "version as text": json.dumps(_track(version="1")),
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "5000-digit number": '{"schema": "formcheck.track", "version": 1, "fps": ' + "9" * 5000 + "}",
    "fps as text": json.dumps(_track(fps="thirty")),
    "fps infinite": json.dumps(_track(fps=1e999)),
    "fps negative": json.dumps(_track(fps=-30)),
    "image size infinite": json.dumps(_track(image_size=[1e999, 1e999])),
    "image size zero": json.dumps(_track(image_size=[0, 480])),
    "image size huge": json.dumps(_track(image_size=[10**9, 10**9])),
    "image size text": json.dumps(_track(image_size="640x480")),
    "image size one number": json.dumps(_track(image_size=[640])),
    "no frames": json.dumps({k: v for k, v in _track().items() if k != "frames"}),
    "frames an object": json.dumps(_track(frames={"t": 0})),
    "frame a number": json.dumps(_track(frames=[7])),
    "frame without t": json.dumps(_track(frames=[{"landmarks": None}])),
    "t as text": json.dumps(_track(frames=[_frame(t="zero")])),
    "t infinite": json.dumps(_track(frames=[_frame(t=1e999)])),
    "times going back": json.dumps(_track(frames=[_frame(t=1.0), _frame(t=0.5)])),
    "32 landmarks": json.dumps(_track(frames=[_frame(landmarks=[GOOD_ROW] * 32)])),
    "landmarks of 6 numbers": json.dumps(_track(frames=[_frame(landmarks=[GOOD_ROW + [1.0]] * 33)])),
    "landmark as text": json.dumps(_track(frames=[_frame(landmarks=[["a", "b"]] * 33)])),
    "landmarks ragged": json.dumps(_track(frames=[_frame(landmarks=[GOOD_ROW] * 32 + [[0.5]])])),
    "world of 32": json.dumps(_track(frames=[_frame(world=[[0, 0, 0]] * 32)])),
    "people as text": json.dumps(_track(frames=[_frame(people="two")])),
    "extra not an object": json.dumps(_track(extra="x")),
    "warnings not texts": json.dumps(_track(warnings=[1, 2])),
}


@pytest.mark.parametrize("name", list(MALFORMED_TRACKS))
def test_malformed_track_is_a_one_line_message(tmp_path, capsys, name):
    content = MALFORMED_TRACKS[name]
    path = tmp_path / "track.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["analyze", str(path), "--exercise", "bridge", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err[:500]
    assert err.startswith("formcheck: error: ") and "track" in err
    assert len(err) < 400, "the message is one readable line, not a dump of the input"


# --- Bad videos and bad arguments -----------------------------------------------------------


BAD_VIDEOS = {
    "missing": None,
    "empty": b"",
    "text": b"hello, this is not a video\n" * 50,
    "png header only": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "mp4 header only": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
    "random bytes": bytes(np.random.default_rng(0).integers(0, 256, 20_000, dtype=np.uint8)),
}


@pytest.mark.parametrize("name", list(BAD_VIDEOS))
@pytest.mark.parametrize("command", ["pose", "analyze"])
def test_bad_video_is_a_one_line_message(tmp_path, capsys, name, command):
    path = tmp_path / "clip.mp4"
    if BAD_VIDEOS[name] is not None:
        path.write_bytes(BAD_VIDEOS[name])
    args = [command, str(path), "--quiet"]
    args += ["--out", str(tmp_path / "t.json")] if command == "pose" else ["--exercise", "bridge"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1 and "clip.mp4" in err
    assert not (tmp_path / "t.json").exists()


def test_a_folder_as_the_video_is_a_one_line_message(tmp_path, capsys):
    assert main(["analyze", str(tmp_path), "--exercise", "bridge", "--quiet"]) == 2
    assert "folder" in capsys.readouterr().err


# --- Non-finite landmarks and cut-short clips: used honestly, and said -----------------------


def test_nan_landmarks_are_treated_as_not_seen_with_a_warning(tmp_path):
    truth = simulate(SynthSpec(exercise="bridge", view="side", reps=2, hold_s=1.5, width=480, height=360))
    clean_path = Track(truth.to_pose_frames(), (480, 360), 30.0).save(tmp_path / "clean.json")
    data = json.loads(clean_path.read_text())
    top = truth.reps[0].top_s
    hit = 0
    for frame in data["frames"]:
        if frame["landmarks"] and top + 0.2 < frame["t"] < top + 0.5:
            frame["landmarks"][23][0] = float("nan")  # Python's json writes NaN, as other tools do
            frame["landmarks"][25][3] = float("inf")
            hit += 1
    assert hit >= 5
    dirty_path = tmp_path / "dirty.json"
    dirty_path.write_text(json.dumps(data))

    track = Track.load(dirty_path)
    assert any("not numbers" in w for w in track.warnings)
    nan_frames = [f for f in track.frames if f.landmarks is not None and not np.isfinite(f.landmarks[23, 0])]
    assert len(nan_frames) == hit
    assert all(f.visibility(23) == 0.0 and f.visibility(25) == 0.0 for f in nan_frames)

    clean = analyze_clip(clean_path, "bridge").result
    dirty = analyze_clip(dirty_path, "bridge").result
    assert any("not numbers" in w for w in dirty.warnings) and not clean.warnings
    assert len(dirty.reps) == len(truth.reps) == len(clean.reps)
    assert [f.code for r in dirty.reps for f in r.faults] == [f.code for r in clean.reps for f in r.faults]


def test_a_cut_short_clip_says_where_reading_stopped(tmp_path, capsys):
    data = (SAMPLES / "bridge_clean_side.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])  # moov is at the front (faststart): the header still says 13 s
    report = ReadReport()
    frames = list(read_frames(cut, report=report))
    assert frames and report.stopped_early is not None
    assert f"ends at {report.last_t + 1 / 30:.1f} s" in report.stopped_early and "13.2 s" in report.stopped_early

    assert main(["pose", str(cut), "--out", str(tmp_path / "t.json"), "--quiet"]) == 0
    assert "warning: cut.mp4 ends at" in capsys.readouterr().out
    assert any("ends at" in w for w in Track.load(tmp_path / "t.json").warnings)  # kept with the track


def test_a_whole_clip_has_no_warning():
    report = ReadReport()
    frames = list(read_frames(SAMPLES / "bridge_clean_side.mp4", report=report))
    assert len(frames) == report.frames > 300 and report.stopped_early is None


def test_a_track_with_image_landmarks_only_is_a_plain_message(tmp_path, capsys):
    truth = simulate(SynthSpec(exercise="bridge", view="side", reps=1, hold_s=1.0, width=480, height=360))
    data = Track(truth.to_pose_frames(), (480, 360), 30.0).to_dict()
    for frame in data["frames"]:
        if frame["landmarks"] is not None:
            frame["landmarks"] = [row[:2] for row in frame["landmarks"]]  # another tool: x, y only
            frame["world"] = None
    path = tmp_path / "other_tool.json"
    path.write_text(json.dumps(data))
    assert main(["analyze", str(path), "--exercise", "bridge", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "world" in err and "formcheck pose" in err
