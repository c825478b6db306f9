"""No person, the wrong exercise, getting into position, jitter, gaps, live mode and export."""

from __future__ import annotations

import csv
import io
import json
from functools import cache

import numpy as np
import pytest

from formcheck.analysis import Analyzer, analyze_frames
from formcheck.pose_types import PoseFrame
from formcheck.synth import SynthSpec, simulate


@cache
def clip(ex: str, view: str, side: str = "left", reps: int = 2, faults: tuple = ()) -> tuple:
    spec = SynthSpec(
        exercise=ex, view=view, side=side, reps=reps, hold_s=1.5, rest_s=0.9, seed=5, width=480, height=360,
        faults=dict(faults),
    )  # fmt: skip
    truth = simulate(spec)
    return truth, tuple(truth.to_pose_frames())


def test_no_person_gives_a_clear_message_and_no_reps() -> None:
    frames = [PoseFrame.empty(i / 30, (480, 360)) for i in range(150)]
    result = analyze_frames(frames, "bridge")
    assert result.status == "no_person"
    assert result.reps == [] and result.summary.reps == {"both": 0}
    assert "No person" in result.message


@pytest.mark.parametrize(
    "shown,named",
    [("clamshell", "bridge"), ("bridge", "fire_hydrant"), ("fire_hydrant", "clamshell"), ("bridge", "clamshell")],
)
def test_wrong_exercise_is_named_and_counts_nothing(shown: str, named: str) -> None:
    view = {"bridge": "side", "clamshell": "front", "fire_hydrant": "back"}[shown]
    _, frames = clip(shown, view)
    result = analyze_frames(frames, named)
    assert result.status == "wrong_exercise", (result.status, len(result.reps))
    assert result.reps == []
    assert "doesn't look like" in result.message


def _standing(frames: tuple, seconds: float) -> list[PoseFrame]:
    """The first frames of a clip with the body turned upright: someone still getting ready,
    moving their hips (the side-view angle changes) but not lying down."""
    out = []
    n = int(seconds * 30)
    rot = np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], dtype=np.float32)  # lying -> upright
    for i in range(n):
        f = frames[(i * 3) % len(frames)]  # replay the clip fast: lots of hip motion
        out.append(PoseFrame(i / 30, f.image_size, f.landmarks.copy(), f.world @ rot.T, 1))
    return out


def test_no_reps_counted_while_getting_into_position() -> None:
    truth, frames = clip("bridge", "side")
    setup = _standing(frames, 6.0)
    shifted = [PoseFrame(f.timestamp_s + 6.0, f.image_size, f.landmarks, f.world, 1) for f in frames]
    result = analyze_frames(setup + shifted, "bridge")
    assert len(result.reps) == len(truth.reps)
    assert all(r.start_s > 6.0 for r in result.reps)


def test_jittery_landmarks_make_no_phantom_reps() -> None:
    truth, frames = clip("fire_hydrant", "back")
    rng = np.random.default_rng(0)
    noisy = []
    for f in frames:
        lm = f.landmarks.copy()
        lm[:, :2] += rng.normal(0, 0.004, size=(33, 2)).astype(np.float32)  # ~2 px at 480 px
        world = f.world + rng.normal(0, 0.01, size=(33, 3)).astype(np.float32)  # 1 cm
        noisy.append(PoseFrame(f.timestamp_s, f.image_size, lm, world, 1))
    for live in (False, True):
        a = Analyzer("fire_hydrant", live=live)
        for f in noisy:
            a.update(f)
        result = a.finish()
        assert len(result.reps) == len(truth.reps), live
        for r, t in zip(result.reps, truth.reps, strict=True):
            assert r.time_at_top_s == pytest.approx(t.hold_s, abs=0.3)
            assert r.peak_angle_deg == pytest.approx(t.peak_angle_deg, abs=5.0)


def test_short_dropout_does_not_lose_a_rep_and_says_why() -> None:
    truth, frames = clip("clamshell", "front")
    frames = list(frames)
    # The person vanishes for 0.3 s in the middle of the first hold.
    top = truth.reps[0].top_s
    states = []
    a = Analyzer("clamshell")
    for f in frames:
        if top + 0.3 < f.timestamp_s < top + 0.6:
            f = PoseFrame.empty(f.timestamp_s, f.image_size)
        states.append(a.update(f))
    result = a.finish()
    assert len(result.reps) == len(truth.reps)
    assert any(s.status == "no_person" and "can't see anyone" in s.cue for s in states)


def test_out_of_frame_knees_are_named() -> None:
    _, frames = clip("bridge", "side")
    f = frames[0]
    lm = f.landmarks.copy()
    for i in (25, 26, 27, 28, 29, 30, 31, 32):  # knees and below out of the picture
        lm[i, 0] = 1.3
        lm[i, 4] = 0.0
    state = Analyzer("bridge").update(PoseFrame(0.0, f.image_size, lm, f.world, 1))
    assert state.status == "not_visible"
    assert "knees" in state.cue


def test_live_mode_counts_reps_as_they_happen() -> None:
    truth, frames = clip("clamshell", "front", side="right")
    a = Analyzer("clamshell", live=True)
    states = [a.update(f) for f in frames]
    end0 = truth.reps[0].end_s
    before = [s for s in states if s.t < truth.reps[0].top_s]
    after = [s for s in states if s.t > end0 + 0.3]
    assert before[-1].reps == {"left": 0, "right": 0}
    assert after[0].reps["right"] == 1
    assert any(s.phase == "hold" and s.hold_s > 1.0 for s in states)
    assert states[-1].reps["right"] == len(truth.reps)
    assert states[5].values["opening_deg"] is not None
    assert len(a.finish().reps) == len(truth.reps)


def test_json_and_csv_export() -> None:
    _, frames = clip("fire_hydrant", "back", faults=(("trunk_shift", 10.0),))
    result = analyze_frames(frames, "fire_hydrant", source="x.mp4")
    d = json.loads(result.to_json())
    assert d["schema"] == "formcheck.analysis" and d["version"] == 1
    assert d["exercise"] == "fire_hydrant" and d["status"] == "ok"
    rep = d["reps"][0]
    for key in ("index", "side", "start_s", "top_s", "end_s", "hold_s", "peak_angle_deg", "metrics", "faults", "score"):
        assert key in rep
    assert set(rep["tempo"]) == {"up_s", "down_s"}
    assert rep["faults"][0]["code"] == "trunk_shift" and rep["faults"][0]["cue"]
    assert d["summary"]["most_common_fault"]["code"] == "trunk_shift"
    assert d["summary"]["reps"]["left"] == len(d["reps"])
    rows = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert len(rows) == len(d["reps"])
    assert [int(r["rep"]) for r in rows] == [r["index"] + 1 for r in d["reps"]]  # as people count them
    assert rows[0]["faults"] == "trunk_shift"
    assert float(rows[0]["fault_trunk_shift"]) > 5


def test_unknown_exercise_and_side_are_rejected() -> None:
    with pytest.raises(KeyError):
        Analyzer("squat")
    with pytest.raises(ValueError):
        Analyzer("bridge", side="both")


def test_the_zoom_warning_needs_a_tenth_of_the_clip_found_only_by_zooming():
    from formcheck.analysis.quality import zoom_warning

    assert zoom_warning(0, 300) is None
    assert zoom_warning(29, 300) is None  # under a tenth: a few frames rescued do not warn
    message = zoom_warning(30, 300)
    assert message is not None and "2 m" in message
    assert zoom_warning(0, 0) is None
