"""What to tell the patient now, and the live hold timer (the engine's per-frame coaching).

One cue at a time, in priority: a form fault that has lasted ``CUE_PERSIST_S`` while moving
(no flicker; a range-of-motion fault such as "lift higher" only once the top is reached), then
the hold countdown at the top ("Hold... 3", "2", "1", then "Lower slowly"), then getting into
the start position, then camera advice while at rest in a view that is not recommended. The
hold timer counts time at the top only while no posture fault is shown.
"""

from __future__ import annotations

import math

from formcheck.analysis.codes import CueCode, LiveStatus, Phase
from formcheck.analysis.exercises.base import ExerciseSpec, Metrics
from formcheck.analysis.rep_analysis import measurable

CUE_PERSIST_S = 0.3  # a form fault must last this long before it is shown (no flicker)


class LiveCues:
    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self._fault_since: dict[str, float] = {}
        self.hold_good_s = 0.0  # this rep's seconds at the top in good posture
        self._last_t: float | None = None

    def lost(self, t: float) -> None:
        """No usable body in this frame: the hold timer starts again."""
        self.hold_good_s = 0.0
        self._last_t = t

    def step(
        self,
        t: float,
        now: Metrics,
        rest: Metrics,
        phase: Phase,
        view: str | None,
        ready: bool,
        posture_cue: str | None,
    ) -> tuple[LiveStatus, str | None, str | None]:
        """(status, cue, cue code) for this frame; advances the hold timer."""
        spec = self.spec
        cue: str | None = None
        code: str | None = None
        if phase.moving:
            # Judged at the top as the rep is: with the view's top bias taken off the angle (a
            # side-view bridge reads its top 3.6° high), so live and file flag the same tops.
            bias = spec.top_bias(view)
            at_top = {**now, "primary": now.get("primary", float("nan")) - bias} if bias else now
            for f in spec.faults:
                if f.frame_reading is None or not spec.judges(f, view):
                    continue
                if f.at_top_only and phase != Phase.HOLD:
                    self._fault_since.pop(f.code, None)
                    continue
                r = f.frame_reading(at_top if f.at_top_only else now, rest)
                if r is not None and r.magnitude > f.threshold:
                    since = self._fault_since.setdefault(f.code, t)
                    if cue is None and t - since >= CUE_PERSIST_S:
                        cue, code = f.cue_text(r), f.code
                else:
                    self._fault_since.pop(f.code, None)
        else:
            self._fault_since.clear()
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        if phase == Phase.HOLD:
            posture_bad = code is not None and spec.fault(code).posture
            if not posture_bad:
                self.hold_good_s += dt
        elif phase in (Phase.REST, Phase.UP, Phase.SETUP):
            self.hold_good_s = 0.0
        if cue is None and phase == Phase.HOLD and measurable(spec, spec.primary.key, view):
            left = spec.hold_target_s - self.hold_good_s
            if left > 0:
                cue, code = f"Hold... {math.ceil(left)}", CueCode.HOLD
            else:
                cue, code = "Lower slowly", CueCode.LOWER
        status = LiveStatus.OK if ready or phase != Phase.SETUP else LiveStatus.SETUP
        if cue is None and status == LiveStatus.SETUP and posture_cue:
            cue, code = posture_cue, CueCode.POSITION
        if cue is None and view is not None and view not in spec.recommended_views and not phase.moving:
            advice = spec.view(spec.recommended_views[0]).advice
            cue, code = f"For the best numbers: {advice[0].lower() + advice[1:]}", CueCode.CAMERA
        return status, cue, code
