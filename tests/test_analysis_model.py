"""The whole path on a few rendered clips: video -> MediaPipe -> analysis, with the benchmark's metrics.

A small seeded subset of benchmarks/accuracy.py (short clips, 2 reps), so a regression in the
pose stage or the analysis shows up in CI; the full suite is the benchmark itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from formcheck.synth import SynthSpec

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import accuracy  # noqa: E402

CASES = [
    accuracy.Case("t-bridge-side-clean", SynthSpec(exercise="bridge", view="side", reps=2, hold_s=1.5, seed=11)),
    accuracy.Case(
        "t-clamshell-front-clean", SynthSpec(exercise="clamshell", view="front", side="right", reps=2, hold_s=1.5)
    ),
    accuracy.Case(
        "t-clamshell-front-short_hold", SynthSpec(exercise="clamshell", view="front", reps=2, hold_s=0.25, seed=6)
    ),
    accuracy.Case(
        "t-bridge-oblique-knees_in",
        SynthSpec(exercise="bridge", view="oblique", reps=2, hold_s=1.5, faults={"knees_in": 8.0}, seed=5),
    ),
    accuracy.Case(
        "t-fire_hydrant-back-trunk_shift",
        SynthSpec(exercise="fire_hydrant", view="back", reps=2, hold_s=2.0, faults={"trunk_shift": 10.0}, seed=4),
    ),
]


@pytest.mark.slow
def test_rendered_clips_through_mediapipe(tmp_path: Path) -> None:
    small = [
        accuracy.Case(c.name, SynthSpec.from_dict({**c.spec.to_dict(), "width": 480, "height": 360, "rest_s": 1.0}))
        for c in CASES
    ]
    accuracy.prepare(small, tmp_path, workers=2, log=False)
    s = accuracy.evaluate(small, str(tmp_path))
    assert s["exact_rep_count_rate"] == 1.0, s["failures"]
    assert s["hold_mae_s"] <= 0.3
    bias = s["peak_bias_by_view_deg"]
    assert abs(bias["bridge/side"]) <= 5.0, bias
    # From behind, the tracked model's 3D hip line turns ~30° out of the picture at each top, and
    # the abduction's projection back onto the frontal plane then reads high: within the 8.4°
    # mean peak error of back-view fire hydrants on the population's test half (docs/exercises.md).
    assert abs(bias["fire_hydrant/back"]) <= 8.4, bias
    # The clamshell's front-view opening is read from 2D thigh tilts and an anthropometric thigh
    # length: ~3° high through MediaPipe on renders (docs/exercises.md), inside the 5° target.
    assert abs(bias["clamshell/front"]) <= 5.0, bias
    assert s["clean_clips_without_fault_rate"] == 1.0
    # Not trunk_shift: that hip-line turn also puts this clip outside the 15° within which the
    # shift is measured, and on the population neither tracking nor detecting found it
    # (docs/exercises.md); the fire hydrant here still has to be counted and timed. Not knees_in
    # either: it is not reported (docs/exercises.md), and this bridge is counted and timed too.
    assert s["faults"]["short_hold"]["recall"] == 1.0 and s["faults"]["short_hold"]["precision"] == 1.0, s["faults"]
    knees_in = s["faults"].get("knees_in", {"tp": 0, "fp": 0})  # absent: never flagged nor measurable
    assert knees_in["tp"] == knees_in["fp"] == 0, s["faults"]
    assert s["side_correct_rate"] == 1.0
