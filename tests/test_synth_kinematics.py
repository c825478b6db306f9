"""Geometry truths of the synthetic exercises: angles, fault magnitudes, rep timing (no pixels)."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.synth import DEFAULT_FAULT_MAGNITUDES, VIEWS_BY_EXERCISE, ClipTruth, SynthSpec, simulate
from formcheck.synth.spec import DEFAULT_MOVE_S


def _hold_values(truth: ClipTruth, name: str, rep: int = 0) -> np.ndarray:
    return np.array([f.metrics[name] for f in truth.frames if f.phase == "hold" and f.rep == rep])


def _rest_value(truth: ClipTruth, name: str) -> float:
    return truth.frames[0].metrics[name]


@pytest.fixture(scope="module")
def clean() -> dict[str, ClipTruth]:
    return {ex: simulate(SynthSpec(exercise=ex, reps=2, hold_s=1.0, fps=15, seed=3)) for ex in DEFAULT_FAULT_MAGNITUDES}


def test_clean_primary_angles_follow_design(clean):
    bridge = clean["bridge"]
    assert 120 <= _rest_value(bridge, "primary_angle_deg") <= 130
    assert _hold_values(bridge, "primary_angle_deg").min() >= 170
    clam = clean["clamshell"]
    assert _rest_value(clam, "primary_angle_deg") <= 10
    assert 35 <= _hold_values(clam, "primary_angle_deg").mean() <= 45
    hydrant = clean["fire_hydrant"]
    assert abs(_rest_value(hydrant, "primary_angle_deg")) < 1
    assert 45 <= _hold_values(hydrant, "primary_angle_deg").mean() <= 60
    assert abs(_hold_values(hydrant, "knee_angle_deg").mean() - 90) < 5


def test_clean_reps_carry_no_pelvis_fault(clean):
    for truth in clean.values():
        assert np.abs(truth.pelvis_tilt()).max() < 0.5


@pytest.mark.parametrize(
    ("exercise", "fault", "metric", "relative"),
    [
        ("bridge", "pelvic_drop", "pelvic_drop_deg", False),
        ("clamshell", "pelvis_rollback", "pelvis_rollback_deg", False),
        ("clamshell", "feet_apart", "feet_separation_cm", True),
        ("fire_hydrant", "trunk_shift", "trunk_shift_cm", False),
        ("fire_hydrant", "pelvic_tilt", "pelvic_tilt_deg", False),
        ("fire_hydrant", "knee_extended", "knee_angle_deg", True),
    ],
)
@pytest.mark.parametrize("side", ["left", "right"])
def test_fault_magnitude_is_exact_at_the_top(exercise, fault, metric, relative, side):
    magnitude = DEFAULT_FAULT_MAGNITUDES[exercise][fault]
    truth = simulate(SynthSpec(exercise=exercise, reps=1, hold_s=0.5, fps=10, side=side, faults={fault: magnitude}))
    top = _hold_values(truth, metric).mean()
    base = _rest_value(truth, metric) if relative else 0.0
    assert top - base == pytest.approx(magnitude, abs=0.5)
    assert truth.reps[0].faults == {fault: magnitude}


def test_pelvic_drop_lowers_the_right_hip_whichever_side_faces_the_camera():
    for side in ("left", "right"):
        truth = simulate(
            SynthSpec(exercise="bridge", reps=1, hold_s=0.5, fps=10, side=side, faults={"pelvic_drop": 12})
        )
        lm = truth.frames[[f.phase for f in truth.frames].index("hold")].landmarks_3d
        assert lm[24, 2] < lm[23, 2] - 0.03  # right hip (24) lower than left (23)


def test_range_faults_reduce_the_peak(clean):
    hips_low = simulate(SynthSpec(exercise="bridge", reps=2, hold_s=1.0, fps=15, seed=3, faults={"hips_low": 25}))
    for clean_rep, low_rep in zip(clean["bridge"].reps, hips_low.reps, strict=True):
        assert clean_rep.peak_angle_deg - low_rep.peak_angle_deg == pytest.approx(25, abs=1.0)
    small = simulate(SynthSpec(exercise="clamshell", reps=2, hold_s=1.0, fps=15, seed=3, faults={"small_opening": 20}))
    for clean_rep, small_rep in zip(clean["clamshell"].reps, small.reps, strict=True):
        assert clean_rep.peak_angle_deg - small_rep.peak_angle_deg == pytest.approx(20, abs=1.0)
    knees = simulate(SynthSpec(exercise="bridge", reps=1, hold_s=1.0, fps=15, faults={"knees_in": 8}))
    gap = _rest_value(knees, "knee_separation_cm") - _hold_values(knees, "knee_separation_cm").mean()
    assert gap == pytest.approx(16, abs=1.0)  # 8 cm each knee


def test_rep_times_and_holds_match_the_spec():
    spec = SynthSpec(exercise="clamshell", reps=3, hold_s=2.0, fps=30, tempo=1.0, seed=5)
    truth = simulate(spec)
    assert len(truth.reps) == 3
    for rep in truth.reps:
        assert rep.hold_s == pytest.approx(2.0)
        assert rep.side == "left"
        assert rep.start_s < rep.top_s < rep.end_s
        assert rep.top_s - rep.start_s == pytest.approx(DEFAULT_MOVE_S["clamshell"], rel=0.3)
        hold_frames = sum(1 for f in truth.frames if f.phase == "hold" and f.rep == rep.index)
        assert hold_frames == pytest.approx(2.0 * spec.fps, abs=1)
    for a, b in zip(truth.reps, truth.reps[1:], strict=False):
        assert b.start_s > a.end_s  # rest between reps
    phases = truth.phases()
    assert phases[0] == "rest" and phases[-1] == "rest"
    assert {"up", "hold", "down"} <= set(phases)
    # Bridges are bilateral.
    assert simulate(SynthSpec(exercise="bridge", reps=1, hold_s=0.2, fps=10)).reps[0].side == "both"


def test_faults_only_on_chosen_reps():
    truth = simulate(
        SynthSpec(exercise="fire_hydrant", reps=3, hold_s=0.5, fps=10, faults={"pelvic_tilt": 12}, fault_reps=[1])
    )
    assert [bool(r.faults) for r in truth.reps] == [False, True, False]
    assert abs(_hold_values(truth, "pelvic_tilt_deg", rep=0)).max() < 0.5
    assert _hold_values(truth, "pelvic_tilt_deg", rep=1).mean() == pytest.approx(12, abs=0.5)


def test_variation_is_seeded():
    a = simulate(SynthSpec(exercise="bridge", reps=3, hold_s=0.5, fps=10, seed=1))
    b = simulate(SynthSpec(exercise="bridge", reps=3, hold_s=0.5, fps=10, seed=1))
    c = simulate(SynthSpec(exercise="bridge", reps=3, hold_s=0.5, fps=10, seed=2))
    assert [r.top_s for r in a.reps] == [r.top_s for r in b.reps]
    assert [r.top_s for r in a.reps] != [r.top_s for r in c.reps]
    durations = [r.top_s - r.start_s for r in a.reps]
    assert max(durations) - min(durations) > 0.01  # reps are not identical


def test_truth_round_trip_and_pose_frames(tmp_path):
    truth = simulate(SynthSpec(exercise="clamshell", reps=1, hold_s=0.5, fps=10, view="front"))
    path = truth.save(tmp_path / "t.truth.json")
    loaded = ClipTruth.load(path)
    assert len(loaded.frames) == len(truth.frames)
    np.testing.assert_allclose(loaded.landmarks_2d(), truth.landmarks_2d(), atol=1e-4)
    np.testing.assert_allclose(loaded.primary_angle(), truth.primary_angle(), atol=1e-3)
    assert loaded.reps[0].faults == truth.reps[0].faults
    frames = loaded.to_pose_frames()
    assert len(frames) == len(truth.frames)
    f = frames[0]
    assert f.detected and f.image_size == (640, 480)
    np.testing.assert_allclose(f.landmarks[:, :2], truth.frames[0].landmarks_2d, atol=1e-4)
    # World: origin at the mid-hip, y down (the head of a side-lying body is level with the hips, the
    # top hip is above the bottom one).
    np.testing.assert_allclose(0.5 * (f.world[23] + f.world[24]), 0, atol=1e-3)
    assert f.world[23, 1] < f.world[24, 1]  # left (top) hip is higher = smaller y


def test_landmarks_in_frame_for_every_view():
    for exercise in DEFAULT_FAULT_MAGNITUDES:
        for view in VIEWS_BY_EXERCISE[exercise]:
            truth = simulate(SynthSpec(exercise=exercise, view=view, reps=1, hold_s=0.2, fps=5))
            xy = truth.landmarks_2d()
            assert xy.min() > 0.02 and xy.max() < 0.98, (exercise, view)


def test_clamshell_knee_moves_smoothly_from_rest():
    """The top knee starts each rep from where it rested (no jump), and the opening grows from
    a near-parallel rest (docs/design.md §3: 0-5°) without first dipping."""
    truth = simulate(SynthSpec(exercise="clamshell", reps=2, hold_s=0.5, fps=30))
    knee = truth.landmarks_3d()[:, 25]  # the left (top) knee
    steps_cm = np.linalg.norm(np.diff(knee, axis=0), axis=1) * 100
    # A 40° opening over ~2 s moves the knee ~25 cm: under 1 cm a frame at 30 fps.
    assert steps_cm.max() < 1.0
    opening = truth.primary_angle()
    assert 0.0 <= opening[0] <= 5.0
    rep = truth.reps[0]
    rising = opening[(truth.times() >= rep.start_s) & (truth.times() <= rep.top_s)]
    assert np.all(np.diff(rising) >= -1e-6)
