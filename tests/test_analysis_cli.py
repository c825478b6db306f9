"""`formcheck analyze` on track files: the report, the exports, and plain-worded failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.cli import main
from formcheck.pose_types import PoseFrame
from formcheck.synth import SynthSpec, simulate
from formcheck.track import Track


def _track(tmp_path: Path, frames: list[PoseFrame], name: str) -> Path:
    return Track(frames=frames, image_size=(480, 360), fps=30.0, source=name).save(tmp_path / f"{name}.json")


def test_analyze_track_writes_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truth = simulate(SynthSpec(exercise="fire_hydrant", view="back", reps=2, hold_s=1.5, width=480, height=360))
    track = _track(tmp_path, truth.to_pose_frames(), "fh")
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    rc = main(["analyze", str(track), "--exercise", "fire_hydrant", "--json", str(out_json), "--csv", str(out_csv)])
    assert rc == 0
    d = json.loads(out_json.read_text())
    assert d["summary"]["reps"] == {"left": 2, "right": 0}
    assert len(out_csv.read_text().strip().splitlines()) == 3
    assert "fire_hydrant: left 2, right 0 reps" in capsys.readouterr().out


def test_no_person_is_a_plain_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    track = _track(tmp_path, [PoseFrame.empty(i / 30, (480, 360)) for i in range(90)], "empty")
    rc = main(["analyze", str(track), "--exercise", "bridge"])
    err = capsys.readouterr().err
    assert rc == 2 and "No person" in err and "Traceback" not in err


def test_wrong_exercise_is_a_plain_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truth = simulate(SynthSpec(exercise="clamshell", view="front", reps=1, hold_s=1.0, width=480, height=360))
    track = _track(tmp_path, truth.to_pose_frames(), "clam")
    out_json = tmp_path / "r.json"
    rc = main(["analyze", str(track), "--exercise", "bridge", "--json", str(out_json)])
    assert rc == 2
    assert "doesn't look like a glute bridge" in capsys.readouterr().err
    assert json.loads(out_json.read_text())["reps"] == []


def test_annotated_needs_a_video(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    track = _track(tmp_path, [PoseFrame.empty(0.0, (480, 360))], "one")
    rc = main(["analyze", str(track), "--exercise", "bridge", "--annotated", str(tmp_path / "a.mp4")])
    assert rc == 2 and "needs the video" in capsys.readouterr().err
