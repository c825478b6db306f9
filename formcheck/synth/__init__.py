"""Synthetic exercise clips with exact ground truth: a rendered 3D mannequin doing the exercises.

    from formcheck.synth import SynthSpec, simulate, render_clip, ClipTruth
    truth = simulate(SynthSpec(exercise="bridge", faults={"pelvic_drop": 12.0}))  # no pixels
    truth = render_clip(spec, "clip.mp4")  # writes clip.mp4 and clip.truth.json

Modules: spec (parameters), body (proportions, skeleton, landmarks), poses (the exercises),
motion (rep timing and easing), metrics (truth metrics), camera (views), render (pixels),
truth (the truth file), clip (putting it together), samples (the committed sample clips).
"""

from formcheck.synth.clip import render_clip, simulate
from formcheck.synth.spec import (
    DEFAULT_FAULT_MAGNITUDES,
    EXERCISES,
    RECOMMENDED_VIEWS,
    VIEWS,
    VIEWS_BY_EXERCISE,
    SynthSpec,
)
from formcheck.synth.truth import ClipTruth, FrameTruth, RepTruth, truth_path_for

__all__ = [
    "DEFAULT_FAULT_MAGNITUDES",
    "EXERCISES",
    "RECOMMENDED_VIEWS",
    "VIEWS",
    "VIEWS_BY_EXERCISE",
    "ClipTruth",
    "FrameTruth",
    "RepTruth",
    "SynthSpec",
    "render_clip",
    "simulate",
    "truth_path_for",
]
