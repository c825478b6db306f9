"""The one streaming analyzer: a pose frame in, the state to show now out.

A file is a loop over ``Analyzer.update`` followed by ``finish``; the webcam calls the same
``update`` from its frame callback. Stages, each its own module: visibility gate -> body axes
and view (views.py) -> per-exercise metrics (exercises/) -> smoothing (filters.py) -> start
posture and rep state machine (reps.py) -> faults and cues -> result (result.py, scoring.py).

Live mode uses the One-Euro filter and the reps found online. File mode (``live=False``)
shows the same live states while streaming, then ``finish`` re-runs the *same* state machine
and rep analysis over zero-phase-smoothed series, which keeps peaks and hold times unbiased.
"""

from __future__ import annotations

import warnings
from collections import Counter, deque
from dataclasses import dataclass, replace

import numpy as np

from formcheck.analysis.body import Body, FloorTracker, plane_normal
from formcheck.analysis.exercises import get_exercise
from formcheck.analysis.exercises.base import ExerciseSpec, FaultSpec, RepWindow
from formcheck.analysis.filters import OneEuroFilter, zero_phase_smooth
from formcheck.analysis.reps import RawRep, RepCounter, time_rep
from formcheck.analysis.result import FaultHit, LiveState, RepResult, SessionResult
from formcheck.analysis.scoring import rep_score
from formcheck.analysis.views import ViewTracker, clip_view
from formcheck.pose_types import PoseFrame

VISIBILITY_MIN = 0.5  # MediaPipe's own default for "this landmark is visible"
READY_AFTER_S = 0.3  # start posture held this long before counting (ignores single-frame flukes)
CUE_PERSIST_S = 0.3  # a form fault must last this long before it is shown (no flicker)
# The exercise's floor contacts (hands, knees, feet, shoulders) must lie within this RMS distance
# of one plane; rendered contacts sit 3.5-7.5 cm above the floor (0-2 cm RMS), MediaPipe's world
# landmarks add a few cm. Further apart, the body is not in the exercise's position.
FLOOR_RMS_MAX_M = 0.08
SECOND_PERSON_CUE = "I can see more than one person. Ask others to step out of view so I follow only you."
CROWDED_SHARE = 0.2  # more than this share of frames with a second person earns a warning on the result
JOINT_WORDS = {"shoulder": "shoulders", "hip": "hips", "knee": "knees", "ankle": "feet", "wrist": "hands"}


@dataclass
class _Frame:
    t: float
    status: str  # no_person | not_visible | ok
    raw: np.ndarray  # metric vector, NaN where not computable
    live: np.ndarray  # One-Euro smoothed
    azimuth: float
    message: str | None


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class Analyzer:
    """Streaming form analysis of one exercise.

    side: "auto" detects the working leg from geometry; "left"/"right" names it for every rep.
    live: True for the webcam (One-Euro smoothing, online reps are final).
    """

    def __init__(self, exercise: str | ExerciseSpec, side: str = "auto", live: bool = False, source: str = "") -> None:
        self.spec = get_exercise(exercise) if isinstance(exercise, str) else exercise
        if side not in ("auto", "left", "right"):
            raise ValueError("side must be auto, left or right")
        self.side_mode = side
        self.live = live
        self.source = source
        self.keys: list[str] = list(self.spec.series_keys)  # the per-frame series, not the reported keys
        self._index = {k: i for i, k in enumerate(self.keys)}
        self._frames: list[_Frame] = []
        # min_cutoff 1.5 Hz keeps rest jitter down; beta lets a 50°/s lift through with < 2 frames lag.
        self._filter = OneEuroFilter(min_cutoff=1.5, beta=0.3, d_cutoff=1.0)
        self._floor = FloorTracker()
        self._views = ViewTracker(self.spec.views, self.spec.azimuth_reference)
        self._view: str | None = None
        self._counter = RepCounter(self.spec.reps)
        self._ok_since: float | None = None
        self._rest = _RestTracker(self.keys)
        self._reps: list[RepResult] = []
        self._fault_since: dict[str, float] = {}
        self._hold_good_s = 0.0
        self._last_t: float | None = None
        self._crowded_frames = 0  # frames in which the model saw more than one person
        self._last_end_index = 0

    # ------------------------------------------------------------------------------ streaming
    def update(self, frame: PoseFrame) -> LiveState:
        """The state to show for this frame; warns when more than one person is in view."""
        state = self._update(frame)
        if frame.num_people > 1:
            self._crowded_frames += 1
            if state.cue_code in (None, "camera"):
                state = replace(state, cue=SECOND_PERSON_CUE, cue_code="people")
        return state

    def _update(self, frame: PoseFrame) -> LiveState:
        t = float(frame.timestamp_s)
        nan = np.full(len(self.keys), np.nan)
        if not frame.detected:
            self._filter.reset()
            self._record(_Frame(t, "no_person", nan, nan, np.nan, None))
            self._counter.update(t, np.nan, False)
            self._ok_since = None
            return self._state(t, "no_person", None, "I can't see anyone. Step into the camera's view.", "no_person")
        body = Body.from_frame(frame)
        # Gate on presence and being inside the picture: lying poses hide a hip or shoulder
        # behind the body in most views, and the model still places hidden joints well.
        missing = [
            j
            for j in self.spec.required_joints
            if body.joint_presence(j) < VISIBILITY_MIN or not body.joint_in_frame(j, margin=0.02)
        ]
        if missing:
            words = _join([JOINT_WORDS.get(j, j + "s") for j in missing])
            msg = f"I can't see your {words}. Move the camera so your {words} are in view."
            self._filter.reset()
            self._record(_Frame(t, "not_visible", nan, nan, np.nan, msg))
            self._counter.update(t, np.nan, False)
            self._ok_since = None
            return self._state(t, "not_visible", None, msg, "visibility")
        normal, rms = plane_normal(self.spec.floor_points(body))
        up = self._floor.update(t, normal if rms < FLOOR_RMS_MAX_M else None)
        axes = body.axes(self.spec.anterior, up, rms)
        self._view, az = self._views.update(t, axes)
        metrics = self.spec.measure(body, axes, self._view)
        raw = np.array([metrics.get(k, np.nan) for k in self.keys], dtype=float)
        live = self._filter(raw, t)
        posture_cue = self.spec.start_posture(self._as_dict(live))
        self._record(_Frame(t, "ok", raw, live, np.nan if az is None else az, posture_cue))
        ready = self._ready(t, posture_cue is None)
        rest_now = self._counter.state == "rest"
        raw_rep = self._counter.update(t, live[0], ready)
        if rest_now and self._counter.in_rest_band(live[0]):
            self._rest.add(t, live)
        if raw_rep is not None:
            series = self._series(smoothed=False)
            prev_end = self._last_end_index
            self._last_end_index = raw_rep.end_index
            self._reps.append(
                self._analyse(raw_rep, series, len(self._frames) - 1, self._view, len(self._reps), prev_end=prev_end)
            )
        return self._live_state(t, live, posture_cue, ready)

    def finish(self) -> SessionResult:
        """The session's result. Files: zero-phase re-analysis with the same state machine."""
        frames = self._frames
        n = len(frames)
        detected = sum(f.status != "no_person" for f in frames)
        visible = sum(f.status == "ok" for f in frames)
        view, az = clip_view(np.array([f.azimuth for f in frames]), self.spec.views)
        if self.live or n == 0:
            reps = list(self._reps)
            ready_frac = float(np.mean([f.message is None for f in frames if f.status == "ok"])) if visible else 0.0
        else:
            series = self._series(smoothed=True)
            reps, ready_frac = self._replay(series, view)
        status, message = "ok", None
        if n == 0 or detected < max(1, 0.2 * n):
            status, message = "no_person", "No person was found in this clip. Film the whole body, well lit."
        elif visible < 0.3 * detected:
            msgs = Counter(f.message for f in frames if f.status == "not_visible")
            status, message = "not_visible", msgs.most_common(1)[0][0] if msgs else "The body is not fully in view."
        elif not reps and ready_frac < 0.2:
            cues = Counter(f.message for f in frames if f.status == "ok" and f.message)
            hint = f" ({cues.most_common(1)[0][0]})" if cues else ""
            status, message = "wrong_exercise", self.spec.not_this_exercise + hint
        elif view is not None and view not in self.spec.count_views:
            # Refuse rather than guess: in this view the pose model's numbers were not good
            # enough on test clips to count reps (see docs/exercises.md).
            advice = self.spec.view(self.spec.recommended_views[0]).advice
            status = "wrong_view"
            message = f"From the {view} view I can't follow a {self.spec.title} reliably. {advice}"
        elif not reps:
            status, message = "no_reps", f"You were in position, but I saw no complete {self.spec.title} reps."
        if status in ("no_person", "not_visible", "wrong_exercise", "wrong_view"):
            reps = []  # never invent reps on a clip we could not read
        elif self._crowded_frames > CROWDED_SHARE * max(detected, 1):
            # The largest person is followed, so reps may still be right; say why they may not be.
            message = f"{SECOND_PERSON_CUE} Someone else was in view for part of this clip, so check these reps."
        not_measurable = self._not_measurable(view)
        summary = self._summary(reps)
        duration = frames[-1].t - frames[0].t if n else 0.0
        units = {m.key: m.unit for m in (self.spec.primary, *self.spec.metrics)}
        return SessionResult(
            exercise=self.spec.name,
            status=status,
            message=message,
            view=view,
            view_azimuth_deg=az,
            recommended_views=list(self.spec.recommended_views),
            not_measurable=not_measurable,
            side_mode=self.side_mode,
            duration_s=float(duration),
            frames=n,
            detected_frames=detected,
            reps=reps,
            summary=summary,
            primary_key=self.spec.primary.key,
            metric_units=units,
            source=self.source,
        )

    # ------------------------------------------------------------------------------ internals
    def _record(self, f: _Frame) -> None:
        self._frames.append(f)

    def _as_dict(self, v: np.ndarray) -> dict[str, float]:
        return {k: float(v[i]) for k, i in self._index.items()}

    def _ready(self, t: float, ok: bool) -> bool:
        if not ok:
            self._ok_since = None
            return False
        if self._ok_since is None:
            self._ok_since = t
        return t - self._ok_since >= READY_AFTER_S

    def _series(self, smoothed: bool) -> dict[str, np.ndarray]:
        t = np.array([f.t for f in self._frames])
        if not smoothed:
            live = np.array([f.live for f in self._frames])
            out = {k: live[:, i] for k, i in self._index.items()}
        else:
            raw = np.array([f.raw for f in self._frames])
            fps = 1.0 / float(np.median(np.diff(t))) if len(t) > 1 else 30.0
            out = {k: zero_phase_smooth(raw[:, i], fps) for k, i in self._index.items()}
            out["side"] = raw[:, self._index["side"]]  # a sign, not a signal: never smooth it
        out["t"] = t
        return out

    def _replay(self, s: dict[str, np.ndarray], view: str | None) -> tuple[list[RepResult], float]:
        """The streaming state machine again, over the zero-phase series (same code path)."""
        counter = RepCounter(self.spec.reps)
        rest = _RestTracker(self.keys)
        ok_since: float | None = None
        reps: list[RepResult] = []
        ready_count = 0
        ok_count = 0
        prev_end = 0
        t = s["t"]
        for i in range(len(t)):
            vec = np.array([s[k][i] for k in self.keys])
            if self._frames[i].status != "ok" or not np.isfinite(vec[0]):
                counter.update(t[i], np.nan, False)
                ok_since = None
                continue
            ok_count += 1
            good = self.spec.start_posture(self._as_dict(vec)) is None
            ready_count += good
            if not good:
                ok_since = None
            elif ok_since is None:
                ok_since = t[i]
            ready = good and t[i] - ok_since >= READY_AFTER_S
            rest_now = counter.state == "rest"
            raw = counter.update(t[i], vec[0], ready)
            if rest_now and counter.in_rest_band(vec[0]):
                rest.add(t[i], vec)
            if raw is not None:
                before = rest.before(float(t[raw.start_index]))
                reps.append(self._analyse(raw, s, None, view, len(reps), rest_stats=before, prev_end=prev_end))
                prev_end = raw.end_index
        return reps, ready_count / ok_count if ok_count else 0.0

    def _measurable(self, key: str | None, view: str | None) -> bool:
        if key is None or view is None:
            return True
        return view in self.spec.metric(key).views

    def _not_measurable(self, view: str | None) -> dict[str, str]:
        if view is None:
            return {}
        out = {}
        for m in (self.spec.primary, *self.spec.metrics):
            if not m.views:
                out[m.key] = f"{m.label} is not reported: no camera view measured it reliably in our tests."
            elif view not in m.views:
                where = [v for v in self.spec.views if v.name in m.views]
                where.sort(key=lambda v: v.name not in self.spec.recommended_views)
                advice = where[0].advice if where else ""
                out[m.key] = f"{m.label} cannot be measured from the {view} view. {advice}".strip()
                if m is self.spec.primary:  # holds are timed on the primary angle
                    out["hold_s"] = f"Hold time cannot be measured from the {view} view. {advice}".strip()
        return out

    def _analyse(
        self,
        raw: RawRep,
        s: dict[str, np.ndarray],
        last_index: int | None,
        view: str | None,
        index: int,
        rest_stats: dict[str, float] | None = None,
        prev_end: int = 0,
    ) -> RepResult:
        """Timing, metrics at the top, faults and score of one counted rep."""
        t = s["t"]
        prim = s["primary"]
        n = len(t)
        fps = 1.0 / float(np.median(np.diff(t))) if n > 1 else 30.0
        pad = int(round(1.0 * fps))
        # Some rest on each side for the ramp crossings, but never into the previous rep.
        lo = max(0, raw.start_index - pad, prev_end)
        hi = raw.end_index if last_index is not None else min(n - 1, raw.end_index + pad)
        low = np.inf
        for k in range(raw.end_index, hi + 1):  # ...nor into the next one (a rise from the low)
            if not np.isfinite(prim[k]):
                continue
            low = min(low, prim[k])
            if prim[k] > low + self.spec.reps.start_deg:
                hi = max(raw.end_index, k - 1)
                break
        timing = time_rep(t, prim, lo, raw.peak_index, hi, raw.baseline)
        if self.spec.primary_from_rest:
            timing = replace(timing, peak_deg=timing.peak_deg - timing.baseline_deg, baseline_deg=0.0)
        top = (t >= timing.top_s) & (t <= timing.hold_end_s)
        if top.sum() < 3:
            top = np.abs(t - timing.peak_s) <= max(0.1, 1.5 / fps)
        move = (t >= timing.start_s) & (t <= timing.end_s)
        rest = rest_stats if rest_stats is not None else self._rest.before(float(t[raw.start_index]))
        # The working side from the frames where the leg is well up (at rest both legs hang alike).
        up_half = prim[lo : hi + 1] >= timing.baseline_deg + 0.5 * (timing.peak_deg - timing.baseline_deg)
        side = self._rep_side(s["side"][lo : hi + 1][up_half])
        window = RepWindow(
            t=t,
            primary=prim,
            metrics={k: s[k] for k in self.keys},
            top=top,
            move=move,
            peak_deg=timing.peak_deg,
            baseline_deg=timing.baseline_deg,
            hold_s=timing.time_at_top_s,
            side=side,
            rest=rest,
        )
        # Hold in good posture: the share of top samples with no posture fault present.
        bad = np.zeros(int(top.sum()), dtype=bool)
        idx = np.flatnonzero(top)
        for f in self.spec.faults:
            if not f.posture or f.frame_reading is None or not self._measurable(f.metric, view):
                continue
            for j, k in enumerate(idx):
                r = f.frame_reading({key: float(s[key][k]) for key in self.keys}, rest)
                if r is not None and r.magnitude > f.threshold:
                    bad[j] = True
        good_hold = timing.time_at_top_s * (1.0 - (bad.mean() if bad.size else 0.0))
        hits: list[FaultHit] = []
        flagged: list[tuple[FaultSpec, float]] = []
        for f in self.spec.faults:
            if not self._measurable(f.metric, view):
                continue
            r = f.rep_reading(window)
            if r is not None and np.isfinite(r.magnitude) and r.magnitude > f.threshold:
                hits.append(FaultHit(f.code, float(r.magnitude), f.unit, r.side, f.cue_text(r)))
                flagged.append((f, float(r.magnitude)))
        prim_ok = self._measurable(self.spec.primary.key, view)
        metrics: dict[str, float | None] = {}
        for m in self.spec.metrics:
            metrics[m.key] = m.of_rep(window) if self._measurable(m.key, view) else None
        return RepResult(
            index=index,
            side=side,
            start_s=timing.start_s,
            top_s=timing.top_s,
            hold_end_s=timing.hold_end_s,
            end_s=timing.end_s,
            # The hold is timed on the primary angle: where the view cannot measure that angle,
            # its plateau is not trusted either (renders: MediaPipe's foreshortened knee
            # collapses mid-hold from the oblique fire hydrant view), so no hold is reported.
            hold_s=float(good_hold) if prim_ok else None,
            time_at_top_s=timing.time_at_top_s if prim_ok else None,
            peak_angle_deg=timing.peak_deg if prim_ok else None,
            baseline_angle_deg=timing.baseline_deg if prim_ok else None,
            up_s=timing.up_s,
            down_s=timing.down_s,
            metrics=metrics,
            faults=hits,
            score=rep_score(flagged),
        )

    def _rep_side(self, signs: np.ndarray) -> str:
        if not self.spec.unilateral:
            return "both"
        if self.side_mode != "auto":
            return self.side_mode
        v = signs[np.isfinite(signs)]
        if v.size == 0:
            return "unknown"
        return "left" if float(np.mean(v)) > 0 else "right"

    def _counts(self, reps: list[RepResult]) -> dict[str, int]:
        if not self.spec.unilateral:
            return {"both": len(reps)}
        counts = {"left": 0, "right": 0}
        for r in reps:
            counts[r.side] = counts.get(r.side, 0) + 1
        return counts

    def _live_state(self, t: float, live: np.ndarray, posture_cue: str | None, ready: bool) -> LiveState:
        view = self._view
        now = self._as_dict(live)
        rest = self._rest.before()
        # Each metric live as it is reported in the rep: same key, same unit (a change from
        # rest where the rep reports one).
        values: dict[str, float | None] = {}
        v = now["primary"]
        if self.spec.primary_from_rest and self._counter.baseline is not None:
            v -= self._counter.baseline  # shown the way it is reported: from the start position
        values[self.spec.primary.key] = v if np.isfinite(v) and self._measurable(self.spec.primary.key, view) else None
        for m in self.spec.metrics:
            values[m.key] = m.live(now, rest) if self._measurable(m.key, view) else None
        phase = self._counter.state
        # Live form cues: a fault present for CUE_PERSIST_S while moving.
        cue, code = None, None
        if self._counter.moving:
            for f in self.spec.faults:
                if f.frame_reading is None or not self._measurable(f.metric, view):
                    continue
                r = f.frame_reading(now, rest)
                if r is not None and r.magnitude > f.threshold:
                    since = self._fault_since.setdefault(f.code, t)
                    if cue is None and t - since >= CUE_PERSIST_S:
                        cue, code = f.cue_text(r), f.code
                else:
                    self._fault_since.pop(f.code, None)
        else:
            self._fault_since.clear()
        # Hold timer: time at the top, only while no posture fault is shown.
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        if phase == "hold":
            posture_bad = code is not None and self.spec.fault(code).posture
            if not posture_bad:
                self._hold_good_s += dt
        elif phase in ("rest", "up", "setup"):
            self._hold_good_s = 0.0
        status = "ok" if ready or self._counter.state != "setup" else "setup"
        if cue is None and status == "setup" and posture_cue:
            cue, code = posture_cue, "position"
        if cue is None and view is not None and view not in self.spec.recommended_views and not self._counter.moving:
            advice = self.spec.view(self.spec.recommended_views[0]).advice
            cue, code = f"For the best numbers: {advice[0].lower() + advice[1:]}", "camera"
        return LiveState(
            t=t,
            status=status,
            phase=phase,
            reps=self._counts(self._reps),
            side=self._reps[-1].side if self._reps else None,
            # NaN where this view cannot time holds (as in the result): shown as a dash.
            hold_s=round(self._hold_good_s, 2) if self._measurable(self.spec.primary.key, view) else float("nan"),
            values=values,
            primary_key=self.spec.primary.key,
            cue=cue,
            cue_code=code,
            view=view,
            in_position=status == "ok",
        )

    def _state(self, t: float, status: str, view: str | None, cue: str, code: str) -> LiveState:
        self._hold_good_s = 0.0
        self._last_t = t
        return LiveState(
            t=t,
            status=status,
            phase=self._counter.state,
            reps=self._counts(self._reps),
            side=self._reps[-1].side if self._reps else None,
            hold_s=0.0,
            values={m.key: None for m in (self.spec.primary, *self.spec.metrics)},
            primary_key=self.spec.primary.key,
            cue=cue,
            cue_code=code,
            view=view,
            in_position=False,
        )

    def _summary(self, reps: list[RepResult]) -> dict:
        spec = self.spec
        counts = self._counts(reps)
        target = spec.reps_target
        holds = [r.hold_s for r in reps if r.hold_s is not None]
        peaks = [r.peak_angle_deg for r in reps if r.peak_angle_deg is not None]
        rests = [r.baseline_angle_deg for r in reps if r.baseline_angle_deg is not None]
        fault_counts = Counter(f.code for r in reps for f in r.faults)
        common = None
        if fault_counts:
            code, count = fault_counts.most_common(1)[0]
            cue = next(f.cue for r in reps for f in r.faults if f.code == code)
            common = {"code": code, "reps": count, "cue": cue}
        return {
            "reps": counts,
            "prescription": {"reps_per_side" if spec.unilateral else "reps": target, "hold_s": spec.hold_target_s},
            "reps_done_vs_prescribed": {side: f"{n}/{target}" for side, n in counts.items()},
            "hold": {
                "mean_s": float(np.mean(holds)) if holds else None,
                "min_s": float(np.min(holds)) if holds else None,
                "max_s": float(np.max(holds)) if holds else None,
                "reps_meeting_target": int(sum(h >= spec.hold_target_s for h in holds)) if holds else None,
            },
            "range_of_motion": {
                "metric": spec.primary.key,
                "peak_mean_deg": float(np.mean(peaks)) if peaks else None,
                "peak_min_deg": float(np.min(peaks)) if peaks else None,
                "peak_max_deg": float(np.max(peaks)) if peaks else None,
                "rest_mean_deg": float(np.mean(rests)) if rests else None,
            },
            "tempo": {
                "up_mean_s": float(np.mean([r.up_s for r in reps])) if reps else None,
                "down_mean_s": float(np.mean([r.down_s for r in reps])) if reps else None,
            },
            "fault_counts": dict(fault_counts),
            "most_common_fault": common,
            "mean_score": float(np.mean([r.score for r in reps])) if reps else None,
        }


class _RestTracker:
    """Median of each metric over the last seconds at rest: the reference for relative faults
    (feet coming apart, trunk shifting, pelvis rolling are all changes from the start posture)."""

    def __init__(self, keys: list[str], window_s: float = 1.5) -> None:
        self.keys = keys
        self.window_s = window_s
        self._t: deque[float] = deque()
        self._v: deque[np.ndarray] = deque()

    def add(self, t: float, v: np.ndarray) -> None:
        self._t.append(t)
        self._v.append(np.asarray(v, float))
        while self._t and self._t[0] < t - 4 * self.window_s:
            self._t.popleft()
            self._v.popleft()

    def before(self, t_end: float | None = None) -> dict[str, float]:
        if not self._t:
            return dict.fromkeys(self.keys, float("nan"))
        t_end = self._t[-1] if t_end is None else t_end
        sel = [v for tt, v in zip(self._t, self._v, strict=True) if t_end - self.window_s <= tt <= t_end]
        if not sel:
            sel = list(self._v)[-15:]
        arr = np.array(sel)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(arr, axis=0)
        return {k: float(med[i]) for i, k in enumerate(self.keys)}
