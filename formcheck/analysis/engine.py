"""The one streaming analyzer: a pose frame in, the state to show now out.

A file is a loop over ``Analyzer.update`` followed by ``finish``; the webcam calls the same
``update`` from its frame callback. Stages, each its own module: visibility gate -> body axes
and view (views.py) -> per-exercise series (exercises/) -> smoothing (filters.py) -> start
posture and rep state machine (reps.py) -> one rep's timing, metrics, faults and score
(rep_analysis.py, scoring.py) -> the session's verdict (verdict.py) and summary (summary.py)
-> result (result.py); live cues and the hold timer (live_cues.py). This module streams
frames through them.

Live mode uses the One-Euro filter, and the reps analysed online are final. File mode
(``live=False``) shows the same live states while streaming (counting reps online, for the
display), then ``finish`` runs the *same* state machine and rep analysis over zero-phase-
smoothed series, which keeps peaks and hold times unbiased.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np

from formcheck.analysis.body import Body, FloorTracker, plane_normal
from formcheck.analysis.codes import CueCode, LiveStatus, Phase, View
from formcheck.analysis.exercises import get_exercise
from formcheck.analysis.exercises.base import ExerciseSpec
from formcheck.analysis.filters import OneEuroFilter, zero_phase_smooth
from formcheck.analysis.frame_log import FrameLog, LoggedFrame
from formcheck.analysis.live_cues import LiveCues
from formcheck.analysis.lookalikes import KEYS as LOOKALIKE_KEYS
from formcheck.analysis.lookalikes import features as lookalike_features
from formcheck.analysis.lookalikes import spotted
from formcheck.analysis.quality import QualityTally
from formcheck.analysis.rep_analysis import RestTracker, Series, analyse_rep, locate_rep, measurable
from formcheck.analysis.reps import RawRep, ReadyClock, RepCounter
from formcheck.analysis.result import LiveState, RepResult, SessionResult
from formcheck.analysis.summary import SessionSummary
from formcheck.analysis.verdict import SECOND_PERSON_CUE, FrameTally, verdict
from formcheck.analysis.views import ViewTracker, clip_view
from formcheck.pose_types import PoseFrame

VISIBILITY_MIN = 0.5  # MediaPipe's own default for "this landmark is visible"
# Frames before a rep's start looked at when it ends: well over the 1 s locate_rep pads by.
REP_WINDOW_FRAMES = 600
# A live session holds at least this many recent frames; older ones are folded into totals.
LIVE_KEEP_FRAMES = 2 * REP_WINDOW_FRAMES
# The exercise's floor contacts (hands, knees, feet, shoulders) must lie within this RMS distance
# of one plane; rendered contacts sit 3.5-7.5 cm above the floor (0-2 cm RMS), MediaPipe's world
# landmarks add a few cm. Further apart, the body is not in the exercise's position.
FLOOR_RMS_MAX_M = 0.08
JOINT_WORDS = {"shoulder": "shoulders", "hip": "hips", "knee": "knees", "ankle": "feet", "wrist": "hands"}


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
        # The per-frame series, not the reported keys (and the look-alike read-outs, if any).
        extra = LOOKALIKE_KEYS if self.spec.lookalikes else ()
        self.keys: list[str] = list(dict.fromkeys([*self.spec.series_keys, *extra]))
        self._index = {k: i for i, k in enumerate(self.keys)}
        self._la_keys = list(extra)
        self._frames = FrameLog(
            keep=LIVE_KEEP_FRAMES if live else None, fold_columns=tuple(self._index[k] for k in self._la_keys)
        )
        # min_cutoff 1.5 Hz keeps rest jitter down; beta lets a 50°/s lift through with < 2 frames lag.
        self._filter = OneEuroFilter(min_cutoff=1.5, beta=0.3, d_cutoff=1.0)
        self._floor = FloorTracker()
        self._views = ViewTracker(self.spec.views, self.spec.azimuth_reference)
        self._view: View | None = None
        self._counter = RepCounter(self.spec.reps)
        self._ready_clock = ReadyClock()
        self._rest = RestTracker(self.keys)
        self._reps: list[RepResult] = []  # live mode: the online reps are the result
        self._sides: list[str] = []  # the working side of each online rep (the live counts)
        self._cues = LiveCues(self.spec)
        self._crowded_frames = 0  # frames in which the model saw more than one person
        self._last_end_index = 0
        self._quality = QualityTally()  # picture size, detection and confidence: warnings at the end

    # ------------------------------------------------------------------------------ streaming
    def update(self, frame: PoseFrame) -> LiveState:
        """The state to show for this frame; warns when more than one person is in view."""
        state = self._update(frame)
        if frame.num_people > 1:
            self._crowded_frames += 1
            if state.cue_code in (None, CueCode.CAMERA):
                state = replace(state, cue=SECOND_PERSON_CUE, cue_code=CueCode.PEOPLE)
        return state

    def _update(self, frame: PoseFrame) -> LiveState:
        t = float(frame.timestamp_s)
        nan = np.full(len(self.keys), np.nan)
        if not frame.detected or frame.world is None:  # the body axes need the 3D landmarks
            self._filter.reset()
            self._quality.add(frame.image_size, None)
            self._record(LoggedFrame(t, LiveStatus.NO_PERSON, nan, nan, np.nan, None))
            self._counter.update(t, np.nan, False)
            self._ready_clock.missing()
            cue = "I can't see anyone. Step into the camera's view."
            return self._state(t, LiveStatus.NO_PERSON, None, cue, CueCode.NO_PERSON)
        body = Body.from_frame(frame)
        self._quality.add(frame.image_size, body)
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
            self._record(LoggedFrame(t, LiveStatus.NOT_VISIBLE, nan, nan, np.nan, msg))
            self._counter.update(t, np.nan, False)
            self._ready_clock.missing()
            return self._state(t, LiveStatus.NOT_VISIBLE, None, msg, CueCode.VISIBILITY)
        normal, rms = plane_normal(self.spec.floor_points(body))
        up = self._floor.update(t, normal if rms < FLOOR_RMS_MAX_M else None)
        axes = body.axes(self.spec.anterior, up, rms)
        self._view, az = self._views.update(t, axes)
        metrics = self.spec.measure(body, axes, self._view)
        if self.spec.lookalikes:
            metrics = {**lookalike_features(body), **metrics}
        raw = np.array([metrics.get(k, np.nan) for k in self.keys], dtype=float)
        live = self._filter(raw, t)
        posture_cue = self.spec.start_posture(self._as_dict(live))
        self._record(LoggedFrame(t, LiveStatus.OK, raw, live, np.nan if az is None else az, posture_cue))
        ready = self._ready_clock.update(t, posture_cue is None)
        rest_now = self._counter.state == Phase.REST
        raw_rep = self._counter.update(t, live[0], ready, posture_cue is None)
        if rest_now and self._counter.in_rest_band(live[0]):
            self._rest.add(t, live)
        if raw_rep is not None:
            self._online_rep(raw_rep)
        return self._live_state(t, live, posture_cue, ready)

    def _online_rep(self, raw: RawRep) -> None:
        """A rep just ended. Live, analyse it now (it is final); for a file only its side is
        needed now (the live counts), as ``finish`` analyses every rep on smoothed series.

        Only the frames since the previous rep (and at most ``REP_WINDOW_FRAMES`` before this
        one's start) are looked at, so the work per rep stays flat however long the session.
        """
        base = max(self._last_end_index, raw.start_index - REP_WINDOW_FRAMES, self._frames.offset)
        series = self._series(smoothed=False, since=base)
        prev_end = max(self._last_end_index - base, 0)
        self._last_end_index = raw.end_index
        raw = replace(
            raw,
            start_index=max(raw.start_index - base, 0),
            peak_index=raw.peak_index - base,
            end_index=raw.end_index - base,
        )
        if self.live:
            rest = self._rest.before(float(series["t"][raw.start_index]))
            rep = analyse_rep(
                self.spec,
                raw,
                series,
                online=True,
                view=self._view,
                index=len(self._reps),
                rest=rest,
                side_mode=self.side_mode,
                prev_end=prev_end,
            )
            self._reps.append(rep)
            side = rep.side
        else:
            side = locate_rep(self.spec, raw, series, online=True, side_mode=self.side_mode, prev_end=prev_end).side
        self._sides.append(side)

    def finish(self) -> SessionResult:
        """The session's result. Files: zero-phase re-analysis with the same state machine."""
        frames, folded = self._frames.frames, self._frames.folded  # folded: live frames no longer held
        n = len(self._frames)
        ok = [f for f in frames if f.status == LiveStatus.OK]
        azimuths = np.array([f.azimuth for f in frames])
        view, az = clip_view(azimuths, self.spec.views, sums=(folded.az_cos, folded.az_sin))
        lookalike = None
        if self.live or n == 0:
            last = self._counter.flush() if self.live else None
            if last is not None:
                self._online_rep(last)
            reps = list(self._reps)
            visible = folded.visible + len(ok)
            ready_frac = (folded.ready + sum(f.message is None for f in ok)) / visible if visible else 0.0
            if n:
                lookalike = spotted(self.spec.lookalikes, self._lookalike_series(), view)
        else:
            series = self._series(smoothed=True)
            reps, ready_frac = self._replay(series, view)
            lookalike = spotted(self.spec.lookalikes, series, view)
        tally = FrameTally(
            frames=n,
            detected=folded.detected + sum(f.status != LiveStatus.NO_PERSON for f in frames),
            visible=folded.visible + len(ok),
            crowded=self._crowded_frames,
            ready_fraction=float(ready_frac),
            not_visible_messages=folded.not_visible_messages
            + Counter(f.message for f in frames if f.status == LiveStatus.NOT_VISIBLE),
            posture_messages=folded.posture_messages + Counter(f.message for f in ok if f.message),
        )
        status, message = verdict(self.spec, tally, view, len(reps), lookalike)
        if status.unreadable:
            reps = []  # never invent reps on a clip we could not read
        first_t = folded.first_t if folded.first_t is not None else (frames[0].t if frames else 0.0)
        duration = frames[-1].t - first_t if frames else 0.0
        units = {m.key: m.unit for m in (self.spec.primary, *self.spec.metrics)}
        return SessionResult(
            exercise=self.spec.name,
            status=status,
            message=message,
            view=view,
            view_azimuth_deg=az,
            recommended_views=list(self.spec.recommended_views),
            not_measurable=self.spec.not_measurable(view),
            side_mode=self.side_mode,
            duration_s=float(duration),
            frames=n,
            detected_frames=tally.detected,
            reps=reps,
            summary=SessionSummary.of_reps(self.spec, reps),
            primary_key=self.spec.primary.key,
            metric_units=units,
            source=self.source,
            warnings=self._quality.warnings() + self._doubts(ok) + self._misread_tops(reps),
        )

    # ------------------------------------------------------------------------------ internals
    def _doubts(self, ok: list[LoggedFrame]) -> list[str]:
        """The exercise's clip-level doubts raised often enough in the held frames."""
        out = []
        for d in self.spec.doubts:
            flags = np.array([f.raw[self._index[d.series]] for f in ok], dtype=float)
            judged = flags[np.isfinite(flags)]
            if judged.size and float(np.mean(judged > 0.5)) >= d.share:
                out.append(d.message)
        return out

    def _misread_tops(self, reps: list[RepResult]) -> list[str]:
        """One warning for the reps whose top read past what a body can do (left out of the numbers)."""
        n = sum(r.top_misread for r in reps)
        return [self.spec.implausible_warning(n)] if n else []

    def _record(self, f: LoggedFrame) -> None:
        self._frames.append(f)

    def _as_dict(self, v: np.ndarray) -> dict[str, float]:
        return {k: float(v[i]) for k, i in self._index.items()}

    def _measurable(self, key: str | None, view: str | None) -> bool:
        return measurable(self.spec, key, view)

    def _series(self, smoothed: bool, since: int = 0) -> Series:
        """The held frames from absolute index ``since`` on, as named columns."""
        frames = self._frames.since(since)
        t = np.array([f.t for f in frames])
        if not smoothed:
            live = np.array([f.live for f in frames])
            out = {k: live[:, i] for k, i in self._index.items()}
        else:
            raw = np.array([f.raw for f in frames])
            fps = 1.0 / float(np.median(np.diff(t))) if len(t) > 1 else 30.0
            out = {k: zero_phase_smooth(raw[:, i], fps) for k, i in self._index.items()}
            out["side"] = raw[:, self._index["side"]]  # a sign, not a signal: never smooth it
        out["t"] = t
        return out

    def _replay(self, s: Series, view: str | None) -> tuple[list[RepResult], float]:
        """The streaming state machine again, over the zero-phase series (same code path)."""
        counter = RepCounter(self.spec.reps)
        rest = RestTracker(self.keys)
        clock = ReadyClock()
        reps: list[RepResult] = []
        ready_count = 0
        ok_count = 0
        prev_end = 0
        t = s["t"]

        def add(raw: RawRep) -> None:
            nonlocal prev_end
            before = rest.before(float(t[raw.start_index]))
            reps.append(
                analyse_rep(
                    self.spec,
                    raw,
                    s,
                    online=False,
                    view=view,
                    index=len(reps),
                    rest=before,
                    side_mode=self.side_mode,
                    prev_end=prev_end,
                )
            )
            prev_end = raw.end_index

        for i in range(len(t)):
            vec = np.array([s[k][i] for k in self.keys])
            if self._frames.frames[i].status != LiveStatus.OK or not np.isfinite(vec[0]):
                counter.update(t[i], np.nan, False)
                clock.missing()
                continue
            ok_count += 1
            good = self.spec.start_posture(self._as_dict(vec)) is None
            ready_count += good
            ready = clock.update(t[i], good)
            rest_now = counter.state == Phase.REST
            raw = counter.update(t[i], vec[0], ready, good)
            if rest_now and counter.in_rest_band(vec[0]):
                rest.add(t[i], vec)
            if raw is not None:
                add(raw)
        last = counter.flush()  # the clip ended during the last lowering
        if last is not None:
            add(last)
        return reps, ready_count / ok_count if ok_count else 0.0

    def _lookalike_series(self) -> Series:
        """A live session's look-alike read-outs over all its frames, folded ones included."""
        held = self._series(smoothed=False, since=self._frames.offset)
        old = self._frames.folded_columns().astype(float)
        out: Series = {"t": np.concatenate([old[:, 0], held["t"]])}
        for j, k in enumerate(self._la_keys, start=1):
            out[k] = np.concatenate([old[:, j], held[k]])
        return out

    def _counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.spec.sides, 0)
        for side in self._sides:
            counts[side] = counts.get(side, 0) + 1
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
        status, cue, code = self._cues.step(t, now, rest, phase, view, ready, posture_cue)
        return LiveState(
            t=t,
            status=status,
            phase=phase,
            reps=self._counts(),
            side=self._sides[-1] if self._sides else None,
            # NaN where this view cannot time holds (as in the result): shown as a dash.
            hold_s=round(self._cues.hold_good_s, 2) if self._measurable(self.spec.primary.key, view) else float("nan"),
            values=values,
            primary_key=self.spec.primary.key,
            cue=cue,
            cue_code=code,
            view=view,
            in_position=status == LiveStatus.OK,
        )

    def _state(self, t: float, status: LiveStatus, view: View | None, cue: str, code: CueCode) -> LiveState:
        self._cues.lost(t)
        return LiveState(
            t=t,
            status=status,
            phase=self._counter.state,
            reps=self._counts(),
            side=self._sides[-1] if self._sides else None,
            hold_s=0.0,
            values={m.key: None for m in (self.spec.primary, *self.spec.metrics)},
            primary_key=self.spec.primary.key,
            cue=cue,
            cue_code=code,
            view=view,
            in_position=False,
        )
