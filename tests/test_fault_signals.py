"""benchmarks/fault_signals.py reads its candidate signals right: on the renderer's exact landmarks
each one separates the faulty rep of a clip from its clean reps (so a failure through MediaPipe
is the model's, not the signal's). No MediaPipe here: the exact landmarks come from the renderer."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.synth import DEFAULT_FAULT_MAGNITUDES, SynthSpec, simulate


def _fault_signals():
    """benchmarks/fault_signals.py (not a package: loaded from its path, once)."""
    if "fault_signals" not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "benchmarks" / "fault_signals.py"
        spec = importlib.util.spec_from_file_location("fault_signals", path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules["fault_signals"] = mod  # dataclasses look their module up there
        spec.loader.exec_module(mod)
    return sys.modules["fault_signals"]


CASES = [
    # fault, view, camera azimuth, working side
    ("knees_in", "oblique", 10.0, "left"),
    ("trunk_shift", "back", 0.0, "right"),
    ("trunk_shift", "back", -20.0, "left"),
    ("knee_extended", "back", 0.0, "left"),
    ("knee_extended", "back", 25.0, "right"),
]


@pytest.mark.parametrize("fault,view,azimuth,side", CASES, ids=[f"{c[0]}-{c[1]}{c[2]:+.0f}" for c in CASES])
def test_every_signal_separates_the_fault_on_exact_landmarks(fault: str, view: str, azimuth: float, side: str) -> None:
    fs = _fault_signals()
    exercise, signals = fs.SIGNALS[fault]
    spec = SynthSpec(
        exercise=exercise,
        view=view,
        side=side,
        reps=3,
        hold_s=1.5,
        rest_s=0.9,
        lead_in_s=1.0,
        seed=7,
        width=480,
        height=360,
        faults={fault: DEFAULT_FAULT_MAGNITUDES[exercise][fault]},
        fault_reps=(1,),
        camera_azimuth_deg=azimuth,
    )
    truth = simulate(spec).to_dict()
    frames = fs.exact_frames(truth)
    assert [r["faults"].get(fault, 0) > 0 for r in truth["reps"]] == [False, True, False]
    for name, (signal, direction) in signals.items():
        if name == "2D knee angle":
            continue  # bent by the camera's angle even on exact landmarks (docs/exercises.md)
        t, v = fs.series(frames, signal)
        clean_a, faulty, clean_b = (direction * fs.rep_value(t, v, rep) for rep in truth["reps"])
        assert faulty > max(clean_a, clean_b), (name, clean_a, faulty, clean_b)
        score, *_ = fs.best_split(np.array([faulty]), np.array([clean_a, clean_b]))
        assert score == 1.0, name
