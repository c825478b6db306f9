"""What an exercise is, as data: landmarks, views, metrics, thresholds, faults and cues.

The engine runs any ``ExerciseSpec``; adding an exercise means adding a module with one spec
and its small metric functions, and registering it in ``exercises/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from formcheck.analysis.body import Axes, Body
from formcheck.analysis.lookalikes import Lookalike
from formcheck.analysis.reps import RepThresholds
from formcheck.analysis.views import ViewSpec

Metrics = dict[str, float]  # one frame's numbers; NaN = could not be computed


@dataclass(frozen=True)
class MetricSpec:
    """A number the analyzer reports, and the camera views in which it is valid.

    One name per quantity: ``key`` names the number in the rep, the live state and the
    exports, in ``unit``. ``series`` is the per-frame series ``measure`` returns that it is
    read from (default: ``key``). The rep's value and the live value are the same quantity:
    by default both are the series itself (the median over the top of the rep, and the
    frame's value); a metric that is, say, a change from rest carries both functions
    (see ``common.change_metric``).
    """

    key: str
    label: str
    unit: str  # "deg" or "cm"
    views: frozenset[str]
    meaning: str = ""  # plain words for docs and the report
    # The rep's value of this metric; default: the median of the series over the top of the rep.
    rep_value: Callable[[RepWindow], float | None] | None = None
    # This frame's value from (now, rest), in ``unit``; default: the series' value now.
    frame_value: Callable[[Metrics, Metrics], float | None] | None = None
    series: str = ""  # the per-frame series it is read from; "" = the key itself

    @property
    def series_key(self) -> str:
        return self.series or self.key

    def of_rep(self, w: RepWindow) -> float | None:
        """The rep's value (None when it cannot be computed)."""
        if self.rep_value is not None:
            return self.rep_value(w)
        v = w.at_top(self.series_key)
        return float(np.median(v)) if v.size else None

    def live(self, now: Metrics, rest: Metrics) -> float | None:
        """The value to show for one frame (None when it cannot be computed)."""
        if self.frame_value is not None:
            return self.frame_value(now, rest)
        v = now.get(self.series_key, float("nan"))
        return float(v) if np.isfinite(v) else None


@dataclass(frozen=True)
class RepWindow:
    """The smoothed samples of one rep, handed to fault functions.

    ``top`` selects the samples of the top of the rep (the hold, or the moment of the peak
    when there is no hold); ``move`` selects the whole movement from start to end.
    """

    t: np.ndarray
    primary: np.ndarray
    metrics: Mapping[str, np.ndarray]
    top: np.ndarray  # bool mask
    move: np.ndarray  # bool mask
    peak_deg: float
    baseline_deg: float
    hold_s: float
    side: str  # "left" | "right" | "both"
    rest: Mapping[str, float]  # each metric's median at rest before the rep (NaN if unknown)

    def at_top(self, key: str) -> np.ndarray:
        v = self.metrics[key][self.top]
        return v[np.isfinite(v)]


@dataclass(frozen=True)
class Reading:
    """A fault's magnitude in one rep or frame (in the fault's unit) and the body side it names."""

    magnitude: float
    side: str | None = None


@dataclass(frozen=True)
class FaultSpec:
    """One form fault: how to measure it, when it counts, what to tell the patient.

    ``threshold``: the magnitude above which the fault is flagged. ``severe``: the magnitude at
    which it costs its full ``penalty`` of score points (see scoring.py). ``posture`` faults stop
    the hold timer while present. ``cue`` may use {side} and {value}.
    """

    code: str
    metric: str | None  # the metric it needs (for the view check); None = needs only the primary
    threshold: float
    severe: float
    penalty: float
    unit: str
    cue: str
    rep_reading: Callable[[RepWindow], Reading | None]
    frame_reading: Callable[[Metrics, Metrics], Reading | None] | None = None  # (now, rest)
    posture: bool = False
    at_top_only: bool = False  # live: judged only once the top is reached (too little range)
    # Views from which this fault is judged at all; None = wherever its metric is reported. For a
    # fault whose metric a view reports but reads too roughly to flag against a line.
    views: frozenset[str] | None = None

    def cue_text(self, reading: Reading) -> str:
        return self.cue.format(side=reading.side or "", value=reading.magnitude)


@dataclass(frozen=True)
class Doubt:
    """A clip-level warning: ``message`` when the per-frame flag ``series`` (1 = doubtful, 0 =
    fine, NaN = not judged) is raised on at least ``share`` of the frames it was judged on."""

    series: str
    share: float
    message: str


@dataclass(frozen=True)
class ExerciseSpec:
    """Everything about one exercise, for the engine and for every place that names it.

    The registry (``exercises/__init__.py``) holds one per exercise; the UI, the CLI, history,
    the renderer's CLI and the benchmarks read names, labels, how-tos, sidedness and the
    prescription from here rather than keeping their own lists.
    """

    name: str
    title: str  # "glute bridge": in sentences
    required_joints: tuple[str, ...]  # visibility gate: at least one side of each must be seen
    anterior: Callable[[Body, np.ndarray, np.ndarray], np.ndarray]  # (body, cranial, up): the front
    floor_points: Callable[[Body], np.ndarray]  # (k, 3) world points resting on the floor
    azimuth_reference: str  # "left" or "front": which body axis is +90° of camera azimuth
    views: tuple[ViewSpec, ...]
    recommended_views: tuple[str, ...]
    count_views: tuple[str, ...]  # views in which reps and holds are counted at all
    primary: MetricSpec
    metrics: tuple[MetricSpec, ...]  # secondary (pelvis etc.) metrics
    measure: Callable[[Body, Axes, str | None], Metrics]  # (body, axes, view): "primary", "side", metrics
    start_posture: Callable[[Metrics], str | None]  # None when in position, else a cue
    not_this_exercise: str  # what we say when the clip never shows the start posture
    reps: RepThresholds
    faults: tuple[FaultSpec, ...]
    unilateral: bool
    hold_target_s: float  # prescription: seconds to hold at the top
    reps_target: int  # prescription: reps per side (or in total for a bilateral exercise)
    label: str = ""  # "Glute bridge": in menus and tables ("" = the title, capitalised)
    camera_howto: str = ""  # how to set up the phone for this exercise, in the patient's words
    aliases: tuple[str, ...] = ()  # other names the CLI accepts ("clam", "glute_bridge")
    smoothing_keys: tuple[str, ...] = field(default=())  # extra per-frame series kept (posture)
    # Report the primary angle as the change from the rep's rest level (the start position is
    # the anatomical zero, e.g. the fire hydrant's thigh hanging straight down).
    primary_from_rest: bool = False
    # Other exercises this one is easily mistaken for, most specific first (lookalikes.py): when
    # the clip shows one, the verdict names it instead of counting reps or advising on the camera.
    lookalikes: tuple[Lookalike, ...] = ()
    # view -> degrees by which that view reads the primary angle's top above the truth: taken off
    # each rep's peak before it is reported or judged (fitted on the population's tune half).
    top_bias_deg: Mapping[str, float] = field(default_factory=dict)
    # Signs, read from the frames, that the numbers of a clip are shaky (e.g. a camera too low).
    doubts: tuple[Doubt, ...] = ()
    # The most the primary angle can truly reach at a rep's top. A top read beyond it is the pose
    # model's error, not the patient's range: that rep's angle, hold and the faults judged on them
    # are left out, and the clip is warned about (never a confident number it cannot support).
    primary_max_deg: float | None = None

    def implausible_top(self, peak_deg: float) -> bool:
        """Whether a rep's top reading is beyond what the body can do (``primary_max_deg``)."""
        return self.primary_max_deg is not None and peak_deg > self.primary_max_deg

    def implausible_warning(self, reps: int) -> str:
        """The clip-level warning for ``reps`` reps whose top read beyond ``primary_max_deg``."""
        label = self.primary.label.lower()
        advice = next((v.advice for v in self.views if v.name in self.recommended_views), "")
        which, those = ("1 rep", "that rep") if reps == 1 else (f"{reps} reps", "those reps")
        return (
            f"The {label} read over {self.primary_max_deg:g}° on {which}, more than a body can do: the camera "
            f"angle misled the pose model, so I left the {label} and hold of {those} out. {advice}"
        ).strip()

    def top_bias(self, view: str | None) -> float:
        """Degrees to take off the primary angle's top read from ``view`` (top_bias_deg)."""
        return self.top_bias_deg.get(view, 0.0) if view else 0.0

    @property
    def display_label(self) -> str:
        return self.label or self.title[:1].upper() + self.title[1:]

    @property
    def bilateral(self) -> bool:
        """Both legs work together (reps are counted once, side "both")."""
        return not self.unilateral

    @property
    def sides(self) -> tuple[str, ...]:
        """The sides reps are counted on: ("left", "right"), or ("both",) for a bilateral exercise."""
        return ("left", "right") if self.unilateral else ("both",)

    @property
    def series_keys(self) -> tuple[str, ...]:
        """Every per-frame series the engine keeps: "primary", "side", the metrics' series and
        the extra (posture) ones, each once."""
        keys = ["primary", "side", *(m.series_key for m in self.metrics), *self.smoothing_keys]
        keys += [d.series for d in self.doubts]
        return tuple(dict.fromkeys(keys))

    def not_measurable(self, view: str | None) -> dict[str, str]:
        """Metric key -> why it is not reported from ``view`` and where to put the camera instead."""
        if view is None:
            return {}
        out = {}
        for m in (self.primary, *self.metrics):
            if not m.views:
                out[m.key] = f"{m.label} is not reported: no camera view measured it reliably in our tests."
            elif view not in m.views:
                where = [v for v in self.views if v.name in m.views]
                where.sort(key=lambda v: v.name not in self.recommended_views)
                advice = where[0].advice if where else ""
                out[m.key] = f"{m.label} cannot be measured from the {view} view. {advice}".strip()
                if m is self.primary:  # holds are timed on the primary angle
                    out["hold_s"] = f"Hold time cannot be measured from the {view} view. {advice}".strip()
        return out

    def reports(self, key: str | None, view: str | None) -> bool:
        """Whether the metric ``key`` is reported from ``view`` (an unknown view or no metric: yes)."""
        if key is None or view is None:
            return True
        return view in self.metric(key).views

    def judges(self, fault: FaultSpec, view: str | None) -> bool:
        """Whether ``fault`` is judged from ``view``: its metric is reported there, and the fault
        itself allows the view (an unknown view: yes)."""
        if view is None:
            return True
        return self.reports(fault.metric, view) and (fault.views is None or view in fault.views)

    def metric(self, key: str) -> MetricSpec:
        for m in (self.primary, *self.metrics):
            if m.key == key:
                return m
        raise KeyError(key)

    def fault(self, code: str) -> FaultSpec:
        for f in self.faults:
            if f.code == code:
                return f
        raise KeyError(code)

    def view(self, name: str) -> ViewSpec:
        for v in self.views:
            if v.name == name:
                return v
        raise KeyError(name)
