"""The rendered mannequin: pixels where the truth says the body is, the CLI, and the real pose model."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.landmarks import Landmark as L
from formcheck.synth import ClipTruth, SynthSpec
from formcheck.synth.clip import build_scene
from formcheck.synth.render import FrameRenderer, _mat_layout, landmark_visibility, render_frames
from formcheck.synth.shapes import Shapes
from formcheck.video_io import probe, read_frames

BODY_JOINTS = [
    L.LEFT_SHOULDER,
    L.RIGHT_SHOULDER,
    L.LEFT_HIP,
    L.RIGHT_HIP,
    L.LEFT_KNEE,
    L.RIGHT_KNEE,
    L.LEFT_ANKLE,
    L.RIGHT_ANKLE,
]


@pytest.mark.parametrize(
    ("exercise", "view", "shake"), [("bridge", "side", 0.0), ("clamshell", "front", 0.0), ("fire_hydrant", "back", 1.5)]
)
def test_mannequin_pixels_are_where_the_visible_landmarks_project(exercise, view, shake):
    spec = SynthSpec(exercise=exercise, view=view, reps=1, hold_s=0.2, fps=5, width=320, height=240, shake_deg=shake)
    scene = build_scene(spec, landmark_visibility)
    top = next(i for i, f in enumerate(scene.truth.frames) if f.phase == "hold")
    frame = render_frames(scene, [top])[0]
    centre, size, axis = _mat_layout(scene)
    empty = FrameRenderer(spec, centre, size, axis).render(Shapes(), scene.cameras[top])
    truth = scene.truth.frames[top]
    changed = np.abs(frame.astype(int) - empty.astype(int)).sum(axis=2) > 30
    px = np.floor(truth.landmarks_2d * [spec.width, spec.height]).astype(int)
    seen = [j for j in BODY_JOINTS if truth.visible_2d[j]]
    assert len(seen) >= 4
    hits = [changed[px[j, 1], px[j, 0]] for j in seen]
    assert np.mean(hits) >= 0.9, dict(zip([L(j).name for j in seen], hits, strict=True))
    # And the body covers only part of the picture.
    assert 0.03 < changed.mean() < 0.6


def test_far_side_joints_are_marked_hidden_in_a_side_view():
    truth = build_scene(
        SynthSpec(exercise="bridge", view="side", side="left", reps=1, hold_s=0.2, fps=5), landmark_visibility
    ).truth
    rest = truth.frames[0]
    assert rest.visible_2d[L.LEFT_HIP] and rest.visible_2d[L.LEFT_KNEE]
    assert not rest.visible_2d[L.RIGHT_HIP]


def test_cli_writes_clip_and_truth(tmp_path, capsys):
    out = tmp_path / "clip.mp4"
    args = ["synth", "clamshell", "--reps", "1", "--hold", "0.5", "--side", "right", "--view", "front"]
    args += ["--fault", "feet_apart=10", "--size", "160x120", "--fps", "10", "--out", str(out)]
    code = main(args)
    assert code == 0
    info = probe(out)
    truth = ClipTruth.load(tmp_path / "clip.truth.json")
    assert (info.width, info.height) == (160, 120)
    assert len(list(read_frames(out))) == len(truth.frames)
    assert truth.reps[0].faults == {"feet_apart": 10.0} and truth.reps[0].side == "right"
    assert "wrote" in capsys.readouterr().out


def test_cli_rejects_bad_input(tmp_path, capsys):
    assert main(["synth", "squat", "--out", str(tmp_path / "a.mp4")]) == 2
    assert main(["synth", "bridge", "--fault", "feet_apart", "--out", str(tmp_path / "a.mp4")]) == 2
    err = capsys.readouterr().err
    assert "unknown exercise" in err and "bridge has no fault 'feet_apart'" in err


def test_pose_model_finds_the_mannequin(tmp_path):
    """Small version of benchmarks/synth_detection.py: each exercise in its recommended view."""
    from formcheck.pose import PoseEstimator
    from formcheck.synth import render_clip
    from formcheck.synth.evaluate import DetectionErrors

    for exercise, view, fault in [
        ("bridge", "side", {}),
        ("clamshell", "front", {"pelvis_rollback": 20}),
        ("fire_hydrant", "back", {}),
    ]:
        spec = SynthSpec(exercise=exercise, view=view, reps=1, hold_s=0.5, fps=12, faults=fault, seed=4)
        path = tmp_path / f"{exercise}.mp4"
        truth = render_clip(spec, path)
        with PoseEstimator() as pose:
            poses = [pose.process(f.image, f.timestamp_s) for f in read_frames(path)]
        stats = DetectionErrors().add(truth, poses)
        assert stats.detection_rate >= 0.95, exercise
        assert stats.median_error(swap_tolerant=True) <= 0.035, exercise
