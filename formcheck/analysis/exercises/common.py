"""Small pieces the exercises share: posture read-outs, and the two faults every exercise has."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from formcheck.analysis.body import SIDES, Axes, Body
from formcheck.analysis.exercises.base import FaultSpec, Metrics, MetricSpec, Reading, RepWindow
from formcheck.analysis.geometry import angle_at, unit

# "No pause at the top": below 0.7 s the patient has not held the position at all.
# The seed article asks for "a moment or two" (clamshell) to "a few seconds" (bridge); the
# summary reports holds against each exercise's prescribed target separately, so this fault
# is kept for the clear case and does not punish a 1 s hold. Measured: on exact landmarks the
# hold estimate errs by < 0.1 s, through MediaPipe on renders by up to ~0.35 s for a 0.25 s
# hold (benchmarks/accuracy.py), so 0.7 s keeps clear of both a quick tap and a 1 s hold.
SHORT_HOLD_S = 0.7
# Distances across the body are read in the image as multiples of the hip spacing (a ratio that
# does not depend on the camera distance) and reported in cm through an assumed spacing of the
# hip joint centres: adult hip joint centres sit 17-20 cm apart, where the pose model puts its hips.
HIP_WIDTH_CM = 18.0


def posture_metrics(body: Body, axes: Axes) -> Metrics:
    """Orientation read-outs shared by the start-posture checks (world metres, label-free).

    ``up`` is the fitted floor's normal, which corrects for a camera looking down 30-50° (the
    camera's own up would tip a level trunk by that much). The fit assumes the exercise's
    floor contacts, so floor_rms_cm (how well they fit one plane) is part of the check: for a
    different exercise they are not on the floor and the fit is poor.

    trunk_elev_deg: shoulder midpoint above the hip midpoint, degrees from horizontal.
    hip_line_elev_deg: |hip line| from horizontal (0 lying on the back or prone, 90 on the side).
    knee_rise: (mean knee height - mean hip height) / thigh length; + knees above the hips.
    knee_flex_deg: hip-knee-ankle angle, the more bent leg (90 = right angle, 180 = straight).
    arm_drop: (shoulder height - wrist height) / torso length; ~1 with hands under the shoulders.
    """
    up, axes_rms_m = axes.up, axes.floor_rms_m
    hip_mid, sh_mid = body.mid3("hip"), body.mid3("shoulder")
    trunk = sh_mid - hip_mid
    trunk_len = float(np.linalg.norm(trunk)) or 1.0
    hip_line = body.j3("left", "hip") - body.j3("right", "hip")
    thigh_len = float(np.mean([np.linalg.norm(body.j3(s, "knee") - body.j3(s, "hip")) for s in SIDES])) or 1.0
    knee_mid = body.mid3("knee")
    flex = [angle_at(body.j3(s, "hip"), body.j3(s, "knee"), body.j3(s, "ankle")) for s in SIDES]
    wrist_mid = body.mid3("wrist")
    return {
        "floor_rms_cm": float(axes_rms_m * 100),
        "trunk_elev_deg": float(np.degrees(np.arcsin(np.clip(np.dot(unit(trunk), up), -1, 1)))),
        "hip_line_elev_deg": float(np.degrees(np.arcsin(min(1.0, abs(np.dot(unit(hip_line), up)))))),
        "knee_rise": float(np.dot(knee_mid - hip_mid, up) / thigh_len),
        "knee_flex_deg": float(min(flex)),
        "arm_drop": float(np.dot(sh_mid - wrist_mid, up) / trunk_len),
    }


POSTURE_KEYS = ("floor_rms_cm", "trunk_elev_deg", "hip_line_elev_deg", "knee_rise", "knee_flex_deg", "arm_drop")


def floor_ok(m: Metrics) -> bool:
    """The exercise's floor contacts lie on one plane (see engine.FLOOR_RMS_MAX_M)."""
    v = m.get("floor_rms_cm", float("nan"))
    return bool(np.isnan(v) or v <= 8.0)


def out_of_range(m: Metrics, key: str, lo: float, hi: float) -> bool:
    """True only for a finite value outside [lo, hi] (NaN = unknown, not a failure)."""
    v = m.get(key, float("nan"))
    return bool(np.isfinite(v) and not lo <= v <= hi)


def short_hold_fault(cue: str, primary_key: str) -> FaultSpec:
    """Judged only where the primary angle is measurable: the hold is timed on that angle, and
    in views where it is not reported its plateau is too unsteady to call a hold short."""

    def reading(w: RepWindow) -> Reading | None:
        return Reading(SHORT_HOLD_S - w.hold_s + 1e-9) if w.hold_s < SHORT_HOLD_S else Reading(0.0)

    # magnitude = seconds short of SHORT_HOLD_S; flagged above 0, full penalty with no hold at all.
    return FaultSpec(
        code="short_hold",
        metric=primary_key,
        threshold=0.0,
        severe=SHORT_HOLD_S,
        penalty=20.0,
        unit="s",
        cue=cue,
        rep_reading=reading,
    )


def rom_fault(
    code: str,
    target_deg: float,
    flag_short_deg: float,
    severe_short_deg: float,
    penalty: float,
    cue: str,
    metric: str,
    rest_deg: float | None = None,
    views: frozenset[str] | None = None,
) -> FaultSpec:
    """Too little range: magnitude = degrees the rep's top falls short of the clinical target.

    Flagged when the shortfall exceeds ``flag_short_deg``; full penalty at ``severe_short_deg``.
    With ``rest_deg`` the range is judged from the rep's own rest level (rest_deg + the rep's
    rise), for angles whose absolute value the pose model biases but whose change it follows.
    ``views``: judged only from these views (default: wherever ``metric`` is reported).
    """

    def reading(w: RepWindow) -> Reading | None:
        if not np.isfinite(w.peak_deg):
            return None
        top = w.peak_deg if rest_deg is None else rest_deg + (w.peak_deg - w.baseline_deg)
        return Reading(target_deg - top)

    def live_reading(now: Metrics, rest: Metrics) -> Reading | None:
        """At the top, live: "lift higher" while the patient can still do something about it."""
        value, base = now.get("primary", np.nan), rest.get("primary", np.nan)
        top = value if rest_deg is None else rest_deg + (value - base)
        return Reading(target_deg - top) if np.isfinite(top) else None

    return FaultSpec(
        code=code,
        metric=metric,
        threshold=flag_short_deg,
        severe=severe_short_deg,
        penalty=penalty,
        unit="deg",
        cue=cue,
        rep_reading=reading,
        frame_reading=live_reading,
        at_top_only=True,
        views=views,
    )


def top_median(w: RepWindow, key: str) -> float | None:
    v = w.at_top(key)
    return float(np.median(v)) if v.size else None


def frame_change(m: Metrics, rest: Metrics, key: str) -> float | None:
    """One frame's value minus its rest value (the live twin of ``top_change``); None if unknown."""
    v, r = m.get(key, np.nan), rest.get(key, np.nan)
    return float(v - r) if np.isfinite(v) and np.isfinite(r) else None


def top_change(w: RepWindow, key: str) -> float | None:
    """Median at the top minus the median at rest before the rep."""
    v = top_median(w, key)
    r = w.rest.get(key, float("nan"))
    if v is None or not np.isfinite(r):
        return None
    return v - r


def change_metric(
    key: str, label: str, unit: str, views: frozenset[str], meaning: str, series: str = "", scale: float = 1.0
) -> MetricSpec:
    """A metric that is the change of a per-frame series since rest, times ``scale`` (to turn a
    ratio into the metric's unit): at the top of a rep (median) and live (this frame)."""
    name = series or key

    def rep_value(w: RepWindow) -> float | None:
        d = top_change(w, name)
        return None if d is None else d * scale

    def frame_value(now: Metrics, rest: Metrics) -> float | None:
        d = frame_change(now, rest, name)
        return None if d is None else d * scale

    return MetricSpec(key, label, unit, views, meaning, rep_value=rep_value, frame_value=frame_value, series=series)


def side_of(m: Metrics) -> str:
    """The working side named by one frame's "side" series (+ = the patient's left)."""
    return "left" if m.get("side", 0.0) > 0 else "right"


def metric_fault(
    metric: MetricSpec,
    code: str,
    threshold: float,
    severe: float,
    penalty: float,
    cue: str,
    *,
    posture: bool = True,
    names_side: bool = False,
    live_when: Callable[[Metrics], bool] | None = None,
) -> FaultSpec:
    """A fault whose magnitude is the metric itself: the rep's value, and live the frame's.

    ``names_side``: the reading names the working side (the rep's, or live the frame's).
    ``live_when``: live, judge only frames where this holds (e.g. once the leg is out).
    """

    def rep_reading(w: RepWindow) -> Reading | None:
        v = metric.of_rep(w)
        return None if v is None else Reading(v, w.side if names_side else None)

    def frame_reading(now: Metrics, rest: Metrics) -> Reading | None:
        v = metric.live(now, rest)
        if v is None or (live_when is not None and not live_when(now)):
            return None
        return Reading(v, side_of(now) if names_side else None)

    return FaultSpec(
        code=code,
        metric=metric.key,
        threshold=threshold,
        severe=severe,
        penalty=penalty,
        unit=metric.unit,
        cue=cue,
        rep_reading=rep_reading,
        frame_reading=frame_reading,
        posture=posture,
    )
