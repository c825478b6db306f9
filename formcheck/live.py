"""Live coaching: the same streaming analyzer as the file path, fed from a webcam callback.

streamlit-webrtc calls ``LiveCoach.process`` on its own worker thread, where ``st.*`` and
session state are off limits. The coach therefore keeps everything the page needs behind a
lock, and the page polls ``snapshot()`` from the script thread.

The callback is a two-stage pipeline: while the pose model (native code that releases the
GIL) runs on a frame, a second thread analyses and draws the frame before it, so a frame costs
about the model alone. Run one after the other, the analysis, the drawing and the model also
slowed each other down, by more than the first two cost alone (benchmarks/live_fps.py; numbers
in docs/design.md). The price is one camera frame of latency: ``process`` returns the previous
frame, annotated.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

from formcheck.pose import PoseEstimator, PoseSettings
from formcheck.pose_types import PoseFrame

State = TypeVar("State")


class StreamingAnalyzer(Protocol[State]):
    def update(self, pose: PoseFrame) -> State: ...


# A webcam that delivers nothing for this long has stopped (unplugged, covered, tab hidden).
STALL_AFTER_S = 2.0
# A gap between two frames longer than this is a stall, not a slow frame: the time is taken out of
# the session clock, so a frozen camera can never count as hold time (or as a slow rep).
GAP_S = 0.5
# What a stalled gap is replaced with: about one frame of a slow webcam.
GAP_STANDS_FOR_S = 1 / 15


@dataclass(frozen=True)
class LiveSnapshot(Generic[State]):
    state: State | None
    frames: int
    seconds_since_frame: float | None  # None before the first frame
    fps: float

    @property
    def stalled(self) -> bool:
        return self.seconds_since_frame is not None and self.seconds_since_frame > STALL_AFTER_S


# The webcam, like a file, tracks one person (MediaPipe skips its detector while it follows
# someone) and counts people every 60 frames (2 s) on a worker thread, so a second person is
# named within ~2 s (docs/design.md, "Tracking or detecting"). No zoom search for a small
# person (formcheck/zoom.py): each search would freeze the picture for ~0.1-0.2 s.
LIVE_POSE_SETTINGS = PoseSettings(mode="live", zoom=None)


class LiveCoach(Generic[State]):
    """Pose + analysis + overlay for one live session; safe to call from the webcam thread."""

    DELAY_FRAMES = 1  # process() returns the frame given one call before

    def __init__(
        self,
        analyzer: StreamingAnalyzer[State],
        draw: Callable[[np.ndarray, PoseFrame, State], np.ndarray],
        settings: PoseSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings or LIVE_POSE_SETTINGS
        self._estimator: PoseEstimator | None = None  # loaded with the first frame, on the webcam thread
        self._analyzer = analyzer
        self._draw = draw
        self._clock = clock
        self._lock = threading.Lock()  # the page-facing state below
        self._pose_lock = threading.Lock()  # the model, the session clock and the pipeline
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-analysis")
        self._waiting: tuple[np.ndarray, PoseFrame, float] | None = None  # posed, not yet analysed
        self._start: float | None = None
        self._last_arrival: float | None = None
        self._frame_times: list[float] = []
        self._state: State | None = None
        self._frames = 0
        self._last_source_t: float | None = None
        self._session_t = 0.0  # the analyzer's clock: source time with stalls taken out
        self._stalled_s = 0.0
        self._finished = False

    @property
    def stalled_seconds(self) -> float:
        """Time taken out of the session clock because no frame arrived."""
        return self._stalled_s

    def _session_time(self, source_t: float) -> float:
        """Strictly increasing, with stalls removed: repeated or backward timestamps move on by 1 ms."""
        if self._last_source_t is None:
            self._last_source_t = source_t
            return self._session_t
        step = source_t - self._last_source_t
        self._last_source_t = max(source_t, self._last_source_t)
        if step > GAP_S:
            self._stalled_s += step - GAP_STANDS_FOR_S
            step = GAP_STANDS_FOR_S
        self._session_t += max(step, 1e-3)
        return self._session_t

    def process(self, image: np.ndarray, timestamp_s: float | None = None) -> np.ndarray:
        """Take one RGB frame; return the previous one annotated (the first comes back as it came).

        ``timestamp_s`` defaults to arrival time. After ``finish()`` frames pass through
        untouched: no model is loaded again.
        """
        now = self._clock()
        with self._pose_lock:
            if self._finished:
                return image
            if self._start is None:
                self._start = now
            t = self._session_time(now - self._start if timestamp_s is None else timestamp_s)
            if self._estimator is None:
                self._estimator = PoseEstimator(self._settings)
            # Started just before the model call rather than at the end of the last one, so its
            # Python never waits for the GIL behind the Python around that call.
            previous = None if self._waiting is None else self._worker.submit(self._analyse_and_draw, *self._waiting)
            pose = self._estimator.process(image, t)
            self._waiting = (image, pose, now)
        return image if previous is None else previous.result()

    def _analyse_and_draw(self, image: np.ndarray, pose: PoseFrame, arrival: float) -> np.ndarray:
        state = self._analyse(pose, arrival)
        return self._draw(image, pose, state)

    def _analyse(self, pose: PoseFrame, arrival: float) -> State:
        state = self._analyzer.update(pose)
        with self._lock:
            self._state = state
            self._frames += 1
            self._last_arrival = arrival
            self._frame_times = [*self._frame_times[-29:], arrival]
        return state

    def snapshot(self) -> LiveSnapshot[State]:
        with self._lock:
            since = None if self._last_arrival is None else self._clock() - self._last_arrival
            times = self._frame_times
            fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0
            return LiveSnapshot(self._state, self._frames, since, fps)

    def finish(self) -> Any:
        """Close the model and return the analyzer's session result, if it has one. Call it once."""
        with self._pose_lock:
            self._finished = True
            self._worker.shutdown(wait=True)
            if self._waiting is not None:  # the last frame counts too (it is never shown)
                _, pose, arrival = self._waiting
                self._analyse(pose, arrival)
                self._waiting = None
            if self._estimator is not None:
                self._estimator.close()
                self._estimator = None
            finish = getattr(self._analyzer, "finish", None)
            return finish() if finish else None
