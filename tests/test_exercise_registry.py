"""Adding an exercise touches only its own module and the registry: a made-up fourth one here.

The "hip thrust hold" below is defined entirely in this module (its views, metrics, fault,
start posture and prescription) and registered with ``register``. Nothing else in formcheck
is edited, yet the engine analyses it, the registry resolves its alias, the app's label and
camera how-to come from it, the CLI accepts it, and its live values are numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis import EXERCISES, Analyzer, analyze_frames, get_exercise
from formcheck.analysis.body import SIDES, Axes, Body, anterior_up
from formcheck.analysis.exercises import exercise_label, register, unregister
from formcheck.analysis.exercises.base import ExerciseSpec, Metrics, MetricSpec
from formcheck.analysis.exercises.common import (
    HIP_WIDTH_CM,
    POSTURE_KEYS,
    change_metric,
    metric_fault,
    posture_metrics,
    short_hold_fault,
)
from formcheck.analysis.geometry import angle_at
from formcheck.analysis.reps import RepThresholds
from formcheck.analysis.views import ViewSpec
from formcheck.cli import main
from formcheck.synth import DEFAULT_FAULT_MAGNITUDES, SynthSpec, simulate
from formcheck.track import Track

# ---- the new exercise: everything it needs, in this module ----------------------------------


def _measure(body: Body, axes: Axes, view: str | None) -> Metrics:
    hip_px = float(np.linalg.norm(body.j2("left", "hip") - body.j2("right", "hip")))
    knee_px = float(np.linalg.norm(body.j2("left", "knee") - body.j2("right", "knee")))
    return {
        "primary": angle_at(body.mid3("shoulder"), body.mid3("hip"), body.mid3("knee")),
        "side": np.nan,
        "knee_gap": knee_px / hip_px if hip_px > 1.0 else np.nan,
        **posture_metrics(body, axes),
    }


def _start_posture(m: Metrics) -> str | None:
    return None if m.get("knee_rise", 0.0) > 0.15 else "Bend your knees, feet flat."


KNEES_TOGETHER = change_metric(
    "knees_together_cm",
    "Knees together",
    "cm",
    frozenset({"feet"}),
    "How far each knee moved towards the midline since rest.",
    series="knee_gap",
    scale=-HIP_WIDTH_CM / 2.0,
)

HIP_THRUST = ExerciseSpec(
    name="hip_thrust_hold",
    title="hip thrust hold",
    label="Hip thrust hold",
    camera_howto="Put the phone at your feet, raised, looking along your body.",
    aliases=("thrust",),
    required_joints=("shoulder", "hip", "knee"),
    anterior=anterior_up,
    floor_points=lambda body: np.array([body.j3(s, j) for s in SIDES for j in ("shoulder", "heel", "foot_index")]),
    azimuth_reference="left",
    views=(
        ViewSpec("side", (90.0, -90.0), "Put the camera at your side."),
        ViewSpec("feet", (0.0,), "Put the camera at your feet, raised, looking along your body."),
    ),
    recommended_views=("feet",),
    count_views=("side", "feet"),
    primary=MetricSpec("thrust_deg", "Thrust", "deg", frozenset({"side", "feet"})),
    metrics=(KNEES_TOGETHER,),
    measure=_measure,
    start_posture=_start_posture,
    not_this_exercise="This doesn't look like a hip thrust hold.",
    reps=RepThresholds(start_deg=12.0, end_deg=6.0, min_rom_deg=18.0, min_move_s=0.8),
    faults=(
        metric_fault(KNEES_TOGETHER, "knees_together", threshold=3.0, severe=10.0, penalty=20.0, cue="Knees apart."),
        short_hold_fault("Hold the top.", "thrust_deg"),
    ),
    unilateral=False,
    hold_target_s=5.0,
    reps_target=8,
    smoothing_keys=POSTURE_KEYS,  # the start posture reads knee_rise
)

# ---- the tests ----------------------------------------------------------------------------


@pytest.fixture
def registered() -> Iterator[ExerciseSpec]:
    register(HIP_THRUST)
    yield HIP_THRUST
    unregister(HIP_THRUST.name)


def _frames(fault: str | None = None):
    # A hip thrust hold moves like a glute bridge: the renderer's bridge stands in for it.
    faults = {fault: DEFAULT_FAULT_MAGNITUDES["bridge"][fault]} if fault else {}
    spec = SynthSpec(exercise="bridge", view="feet", reps=2, hold_s=1.5, rest_s=0.9, lead_in_s=1.0, faults=faults)
    return simulate(spec).to_pose_frames()


def test_the_registry_serves_a_new_exercise(registered: ExerciseSpec) -> None:
    assert list(EXERCISES)[-1] == "hip_thrust_hold"  # the app's picker lists it
    assert get_exercise("Thrust") is registered and get_exercise("hip-thrust-holds") is registered
    assert exercise_label("hip_thrust_hold") == "Hip thrust hold"
    assert registered.bilateral and registered.sides == ("both",)
    with pytest.raises(ValueError, match="already registered"):
        register(registered)


def test_a_new_exercise_is_analysed_end_to_end(registered: ExerciseSpec) -> None:
    result = analyze_frames(_frames("knees_in"), "thrust")
    assert result.status == "ok", result.message
    assert result.exercise == "hip_thrust_hold" and result.view == "feet"
    assert len(result.reps) == 2
    for rep in result.reps:
        assert rep.side == "both"
        assert rep.metrics["knees_together_cm"] == pytest.approx(8.0, abs=2.0)
        assert "knees_together" in {f.code for f in rep.faults}
    assert result.summary.reps == {"both": 2}
    assert result.summary.prescription.reps == 8 and result.summary.prescription.hold_s == 5.0
    assert result.to_dict()["summary"]["prescription"] == {"reps": 8, "hold_s": 5.0}
    clean = analyze_frames(_frames(), "hip_thrust_hold")
    assert len(clean.reps) == 2 and all(not r.faults for r in clean.reps)


def test_a_new_exercise_has_live_values(registered: ExerciseSpec) -> None:
    a = Analyzer("hip_thrust_hold", live=True)
    states = [a.update(f) for f in _frames("knees_in")]
    moving = [s for s in states if s.phase in ("up", "hold", "down")]
    assert len(moving) > 30
    assert all(s.values["thrust_deg"] is not None for s in moving)
    assert all(s.values["knees_together_cm"] is not None for s in moving)
    assert max(s.values["knees_together_cm"] for s in moving) > 5.0
    assert states[-1].reps == {"both": 2}


def test_the_cli_accepts_a_new_exercise(registered: ExerciseSpec, tmp_path: Path) -> None:
    track = Track(frames=_frames(), image_size=(640, 480), fps=30.0, source="t").save(tmp_path / "t.json")
    out = tmp_path / "r.json"
    assert main(["analyze", str(track), "--exercise", "hip_thrust_hold", "--json", str(out), "--quiet"]) == 0
    assert json.loads(out.read_text())["summary"]["reps"] == {"both": 2}


def test_unregistered_after_the_test() -> None:
    assert "hip_thrust_hold" not in EXERCISES
