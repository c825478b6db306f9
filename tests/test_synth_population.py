"""The randomised render population: the sampler's ranges, the tune/test split, the new spec knobs."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.synth import EXERCISES, RECOMMENDED_VIEWS, SynthSpec
from formcheck.synth.body import Body
from formcheck.synth.motion import plan_reps
from formcheck.synth.population import RANGES, cases_for, layout, population, random_spec, split_of


def _within(value: float, key: str) -> bool:
    lo, hi = RANGES[key]
    return lo - 1e-9 <= value <= hi + 1e-9


def test_sampler_stays_in_its_ranges():
    rng = np.random.default_rng(3)
    for i in range(150):
        ex = EXERCISES[i % 3]
        case = cases_for(ex)[i % len(cases_for(ex))]
        s = random_spec(rng, ex, ("left", "right")[i % 2], case)
        assert s.view in RECOMMENDED_VIEWS[ex]
        assert _within(s.height_m, "height_m") and _within(s.hip_width_m, "hip_width_m")
        assert _within(s.girth, "girth")
        for name in ("trunk_scale", "thigh_scale", "shank_scale", "arm_scale"):
            assert _within(getattr(s, name), "segment_scale")
        assert _within(s.camera_azimuth_deg, "camera_azimuth_deg")
        assert _within(s.camera_height_m, "camera_height_m")
        assert _within(s.camera_distance_m, "camera_distance_m") and s.camera_fit
        assert _within(s.fov_deg, "fov_deg") and _within(s.move_s, "move_s")
        assert _within(s.hold_s, "hold_s") and _within(s.rest_s, "rest_s")
        if case == "clean":
            assert not s.faults and s.rep_rom is None
        elif case == "partial":
            assert not s.faults and len(s.rep_rom) == s.reps
            assert all(_within(r, "partial_rom") for r in s.rep_rom)
        else:
            assert set(s.faults) == {case} and s.fault_reps and all(0 <= r < s.reps for r in s.fault_reps)


def test_split_is_deterministic_disjoint_and_covers_every_exercise_side_case():
    a, b = population(60), population(60)
    assert [m.spec for m in a] == [m.spec for m in b]
    assert [m.name for m in population(30)] == [m.name for m in a[:30]]  # a prefix is stable
    assert len({m.name for m in a}) == 60 and len({m.spec.seed for m in a}) == 60
    tune = {m.name for m in a if m.split == "tune"}
    test = {m.name for m in a if m.split == "test"}
    assert not tune & test and len(tune) == len(test) == 30
    assert all(m.split == split_of(m.index) for m in a)
    for half in ("tune", "test"):
        got = {(m.spec.exercise, m.spec.side, m.case) for m in a if m.split == half}
        want = {(ex, side, c) for ex in EXERCISES for side in ("left", "right") for c in cases_for(ex)}
        assert got == want
    # The first 30 already hold every exercise x case in both halves.
    for half in ("tune", "test"):
        got = {(m.spec.exercise, m.case) for m in a[:30] if m.split == half}
        assert got == {(ex, c) for ex in EXERCISES for c in cases_for(ex)}
    assert layout(0)[0] != layout(1)[0]
    assert population(6, base_seed=1)[0].spec.seed != a[0].spec.seed


def test_population_from_one_view_keeps_the_members_that_have_it():
    """``view`` films each member from that view (e.g. the fire hydrant from the working side), with
    the same exercise, side, case and split as its index gives; exercises without it are left out."""
    every = {m.index: m for m in population(30)}
    side = population(30, view="side")
    assert side and all(m.spec.view == "side" and "-side-" in m.name for m in side)
    assert {m.spec.exercise for m in side} == {"bridge", "fire_hydrant"}  # the clamshell has no side view
    for m in side:
        twin = every[m.index]
        assert (m.spec.exercise, m.spec.side, m.case, m.split) == (
            twin.spec.exercise,
            twin.spec.side,
            twin.case,
            twin.split,
        )
    assert len(side) == sum(1 for m in every.values() if m.spec.exercise != "clamshell")


def test_defaults_are_the_standard_body_and_timing():
    body = Body()
    assert body.hip_half == pytest.approx(0.11) and body.thigh == pytest.approx(0.42)
    assert body.r("thigh_top") == pytest.approx(0.080)
    s = SynthSpec(exercise="clamshell", seed=4)
    reps, _ = plan_reps(s)
    assert reps[0].top_s - reps[0].start_s == pytest.approx(2.0, rel=0.35)


def test_new_knobs_change_the_body_and_timing():
    body = Body(hip_width_m=0.16, thigh_scale=1.1, girth=1.2, arm_scale=0.9)
    assert body.hip_half == pytest.approx(0.08) and body.thigh == pytest.approx(0.462)
    assert body.r("thigh_top") == pytest.approx(0.096) and body.forearm == pytest.approx(0.225)
    spec = SynthSpec(exercise="bridge", reps=2, move_s=0.5, variation=0.0, rep_rom=(1.0, 0.5))
    reps, _ = plan_reps(spec)
    assert reps[0].top_s - reps[0].start_s == pytest.approx(0.5)
    assert reps[1].rom_scale == pytest.approx(0.5)
    assert SynthSpec.from_dict(spec.to_dict()) == spec
    with pytest.raises(ValueError):
        SynthSpec(exercise="bridge", reps=2, rep_rom=(1.0,))
    with pytest.raises(ValueError):
        SynthSpec(thigh_scale=1.5)


def test_camera_azimuth_and_fit_keep_the_body_in_frame():
    from formcheck.synth.clip import build_scene

    base = dict(exercise="fire_hydrant", reps=1, hold_s=0.2, width=160, height=120, lead_in_s=0.2)
    straight = build_scene(SynthSpec(**base, camera_distance_m=1.5, camera_height_m=0.5, camera_fit=True)).truth
    turned = build_scene(
        SynthSpec(**base, camera_distance_m=1.5, camera_height_m=0.5, camera_fit=True, camera_azimuth_deg=30.0)
    ).truth
    for truth in (straight, turned):
        xy = np.concatenate([f.landmarks_2d for f in truth.frames])
        assert xy.min() > 0.0 and xy.max() < 1.0
    a, b = (np.array(t.camera["position"])[:2] for t in (straight, turned))
    assert np.degrees(np.arccos(np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b))) == pytest.approx(30.0, abs=5.0)
    far = build_scene(SynthSpec(**base, camera_distance_m=4.0, camera_height_m=0.5, camera_fit=True)).truth
    assert np.linalg.norm(np.array(far.camera["position"])[:2]) > np.linalg.norm(a)


def test_default_spec_dict_is_unchanged():
    d = SynthSpec(exercise="bridge").to_dict()
    for name in ("move_s", "rep_rom", "girth", "hip_width_m", "camera_azimuth_deg", "camera_fit", "thigh_scale"):
        assert name not in d
    s = SynthSpec(exercise="bridge", girth=1.2, camera_azimuth_deg=10.0)
    assert s.to_dict()["girth"] == 1.2 and SynthSpec.from_dict(s.to_dict()) == s
