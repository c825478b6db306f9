"""Pose estimation over MediaPipe's Tasks ``PoseLandmarker``.

Two modes share one class:
- ``video``: synchronous, for files. Timestamps come from the clip's real presentation times,
  so the tracker's temporal smoothing is right even for variable-frame-rate phone clips.
- ``live``: for the webcam. Same synchronous call, with timestamps from the frames' arrival
  when the caller has none.

With ``num_poses=1`` (the default) a second person is noticed without paying for it on every
frame: MediaPipe tracks the person from the previous frame's landmarks and skips its detector
(``num_poses=2`` runs the detector on every frame, ~1.6x the cost: benchmarks/pose_speed.py). A separate
landmarker in IMAGE mode with two poses counts the people: synchronously when the tracker
(re)acquires someone, then every ``people_check_every`` frames on a worker thread, its count
taking effect ``people_check_lag`` frames later (a fixed lag, so results do not depend on timing).

A person too small in the picture for the detector is searched for in zoomed crops after a
run of empty frames, and then tracked in a crop around them (formcheck/zoom.py).

Always close the estimator (``with PoseEstimator(...) as pose``): the landmarker's ``__del__``
raises at interpreter exit otherwise.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from formcheck.errors import UserError
from formcheck.pose_types import PoseFrame
from formcheck.zoom import Crop, ZoomSettings, crop_around, search_tiles

MODEL_ENV_VAR = "FORMCHECK_POSE_MODEL"
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "pose_landmarker_full.task"


def default_model_path() -> Path:
    """The bundled model, unless FORMCHECK_POSE_MODEL points at another ``.task`` file."""
    return Path(os.environ.get(MODEL_ENV_VAR, DEFAULT_MODEL))


class PoseModelError(UserError):
    """The pose model file is missing or unusable; the message is meant for the user."""


@dataclass(frozen=True)
class PoseSettings:
    model_path: Path | None = None
    mode: Literal["video", "live"] = "video"
    # People the model follows. One (the default) lets MediaPipe track: it crops each frame around
    # the previous frame's landmarks and skips its detector, at the model's own cost; a second
    # person is reported by the periodic people check below. Two runs the detector on every frame
    # (1.55x the cost), its output identical to IMAGE mode. The two differ only in the crop the
    # landmark model sees, and its output depends on that crop, both ways (docs/design.md,
    # "Tracking or detecting"); on the labelled real footage tracking counted one clip more
    # exactly, so files and the webcam both track.
    num_poses: int = 1
    # With num_poses=1: count the people every this many frames (0: never; then num_people <= 1);
    # 60 (2 s at 30 fps) costs ~0.5 ms a frame of the other core (benchmarks/pose_speed.py).
    people_check_every: int = 60
    # ...and use that count from this many frames later, so the check runs beside the tracker.
    people_check_lag: int = 8
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    # Only the overlap MediaPipe needs to match a tracked person with a detected one; while one
    # pose is tracked the detector does not run, so this never makes it detect again (0.5 and
    # 0.99 gave identical landmarks on rendered clips).
    min_tracking_confidence: float = 0.5
    # Search zoomed crops for a person too small to be found (None: never). Files only by
    # default: a search stalls the frame it runs on by ~0.1-0.2 s, which a webcam would show.
    zoom: ZoomSettings | None = ZoomSettings()


class PoseEstimator:
    """Frames in, typed ``PoseFrame`` out, one at a time (the streaming contract)."""

    def __init__(self, settings: PoseSettings | None = None) -> None:
        self.settings = settings or PoseSettings()
        model_path = Path(self.settings.model_path or default_model_path())
        if not model_path.is_file():
            raise PoseModelError(
                f"Pose model not found at {model_path}. Run `python models/build_pose_model.py` "
                f"or set {MODEL_ENV_VAR} to a pose_landmarker .task file."
            )
        self._last_ms = -1
        self._frames_seen = 0
        self._live_start: float | None = None
        self._was_detected = False
        self._next_check = 0
        self._pending: tuple[int, Future[int]] | None = None  # (frame index it applies from, count)
        self._count = 1
        self._people: PeopleCounter | None = None
        self._model_path = model_path
        self._crop: Crop | None = None
        self._misses = 0
        self._next_search = 0
        self._searcher: vision.PoseLandmarker | None = None
        self.zoomed_frames = 0  # frames in which the person was found only in a zoomed crop
        self._landmarker = self._new_tracker()
        if self.settings.num_poses == 1 and self.settings.people_check_every > 0:
            try:
                self._people = PeopleCounter(model_path, self.settings)
            except BaseException:
                self.close()
                raise

    def process(self, image: np.ndarray, timestamp_s: float | None = None) -> PoseFrame:
        """Estimate the pose in one upright RGB uint8 frame.

        In ``live`` mode the timestamp may be omitted: the frame's arrival time is used.
        """
        if timestamp_s is None:
            if self.settings.mode != "live":
                raise ValueError("a file frame needs its presentation timestamp")
            now = time.monotonic()
            self._live_start = now if self._live_start is None else self._live_start
            timestamp_s = now - self._live_start
        # The landmarker needs strictly increasing integer milliseconds.
        ms = max(int(round(timestamp_s * 1000)), self._last_ms + 1)
        self._last_ms = ms
        crop = self._crop
        mp_image = mp.Image(
            image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image) if crop is None else crop.of(image)
        )
        if self._frames_seen == 0:  # the first call logs a LiteRT memory-alignment warning
            with quiet_native_logs():
                result = self._landmarker.detect_for_video(mp_image, ms)
        else:
            result = self._landmarker.detect_for_video(mp_image, ms)
        index = self._frames_seen
        self._frames_seen += 1
        height, width = image.shape[:2]
        if crop is None:
            frame = to_pose_frame(result, timestamp_s, (width, height))
        else:
            frame = crop.to_full_frame(to_pose_frame(result, timestamp_s, (crop.width, crop.height)), (width, height))
            self.zoomed_frames += frame.detected
        if self._people is not None:
            # People are counted in the whole frame; while zoomed, its MediaPipe copy is made
            # only for a count (one frame in people_check_every).
            def whole_frame() -> mp.Image:
                if crop is None:
                    return mp_image
                return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image))

            frame = replace(frame, num_people=self._count_people(index, whole_frame, frame.detected))
        if self.settings.zoom is not None:
            self._update_zoom(self.settings.zoom, index, image, frame.detected)
        return frame

    def _set_count(self, count: int) -> None:
        self._count = count
        if count >= 1 and self._crop is not None:
            # The whole frame shows the person again (the check runs on it): track there, as
            # a clip that never needed the zoom does. Landmarks from a crop and from the whole
            # frame differ as any two crops do (docs/design.md, "Tracking or detecting").
            self._crop, self._misses = None, 0
            # A fresh tracker: the old one would look for the person where they were in the
            # crop, lose them, and only detect them again frames later (a rep split on renders).
            old, self._landmarker = self._landmarker, self._new_tracker()
            with quiet_native_logs():
                old.close()

    def _new_tracker(self) -> vision.PoseLandmarker:
        return _create(self._model_path, vision.RunningMode.VIDEO, self.settings.num_poses, self.settings)

    def _update_zoom(self, zoom: ZoomSettings, index: int, image: np.ndarray, detected: bool) -> None:
        """After a run of empty frames, look for a small person in zoomed crops (formcheck/zoom.py);
        give a crop up once it has held nobody for a while."""
        self._misses = 0 if detected else self._misses + 1
        if self._crop is not None:
            if self._misses >= zoom.drop_after_misses:
                self._crop, self._misses = None, 0
            return
        if self._misses >= zoom.after_misses and index >= self._next_search:
            self._next_search = index + zoom.search_every
            points = search_tiles(image, self._detect_one)
            if points is not None:
                self._crop = crop_around(points, (image.shape[1], image.shape[0]))

    def _detect_one(self, image: mp.Image) -> np.ndarray | None:
        """Normalised (33, 2) image landmarks of one person in a still picture, or None."""
        if self._searcher is None:  # its first call logs a LiteRT memory-alignment warning
            self._searcher = _create(self._model_path, vision.RunningMode.IMAGE, 1, self.settings)
            with quiet_native_logs():
                result = self._searcher.detect(image)
        else:
            result = self._searcher.detect(image)
        if not result.pose_landmarks:
            return None
        return np.array([[p.x, p.y] for p in result.pose_landmarks[0]], dtype=np.float32)

    @property
    def zoomed(self) -> Crop | None:
        """The crop the tracker is fed, if the person was too small to find in the whole frame."""
        return self._crop

    def _count_people(self, index: int, image: Callable[[], mp.Image], detected: bool) -> int:
        """People in view for this frame: 0 when the tracker has nobody, else at least 1."""
        assert self._people is not None
        if self._pending is not None and index >= self._pending[0]:
            self._set_count(self._pending[1].result())
            self._pending = None
        if not detected:
            self._was_detected = False
            return 0
        if not self._was_detected:
            self._was_detected = True
            # (Re)acquired: count now, unless a count is recent (a flickering detection would
            # otherwise pay for a check on every other frame).
            if index >= self._next_check and self._pending is None:
                self._set_count(self._people.count(image()))
                self._next_check = index + self.settings.people_check_every
        elif index >= self._next_check and self._pending is None:
            self._pending = (index + self.settings.people_check_lag, self._people.submit(image()))
            self._next_check = index + self.settings.people_check_every
        return max(1, self._count)

    def close(self) -> None:
        if self._pending is not None:
            self._pending[1].cancel()
            self._pending = None
        if self._people is not None:
            self._people.close()
            self._people = None
        if self._searcher is not None:
            with quiet_native_logs():
                self._searcher.close()
            self._searcher = None
        if self._landmarker is not None:
            with quiet_native_logs():
                self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PeopleCounter:
    """How many people are in a frame: a two-pose landmarker in IMAGE mode (detector every call)."""

    def __init__(self, model_path: Path, settings: PoseSettings) -> None:
        self._landmarker = _create(model_path, vision.RunningMode.IMAGE, 2, settings)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="people-check")
        self._calls = 0

    def count(self, image: mp.Image) -> int:
        if self._calls == 0:  # the first call logs a LiteRT memory-alignment warning
            with quiet_native_logs():
                result = self._landmarker.detect(image)
        else:
            result = self._landmarker.detect(image)
        self._calls += 1
        return distinct_people([np.array([[p.x, p.y] for p in person]) for person in result.pose_landmarks])

    def submit(self, image: mp.Image) -> Future[int]:
        return self._worker.submit(self.count, image)

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
        with quiet_native_logs():
            self._landmarker.close()


def _create(
    model_path: Path, mode: vision.RunningMode, num_poses: int, settings: PoseSettings
) -> vision.PoseLandmarker:
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_path)),
        running_mode=mode,
        num_poses=num_poses,
        min_pose_detection_confidence=settings.min_detection_confidence,
        min_pose_presence_confidence=settings.min_presence_confidence,
        min_tracking_confidence=settings.min_tracking_confidence,
    )
    try:
        with quiet_native_logs():
            return vision.PoseLandmarker.create_from_options(options)
    except (RuntimeError, ValueError) as exc:
        raise PoseModelError(f"Could not load the pose model {model_path.name}: {exc}") from exc


@contextlib.contextmanager
def quiet_native_logs() -> Iterator[None]:
    """Silence LiteRT/MediaPipe C++ start-up chatter, which writes straight to file descriptor 2."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # no real stderr (e.g. under some test runners)
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def to_pose_frame(result: vision.PoseLandmarkerResult, timestamp_s: float, image_size: tuple[int, int]) -> PoseFrame:
    """Convert a Tasks result, keeping the most prominent (largest) person."""
    if not result.pose_landmarks:
        return PoseFrame.empty(timestamp_s, image_size)
    people = [
        np.array([[p.x, p.y, p.z, p.visibility or 0.0, p.presence or 0.0] for p in person], dtype=np.float32)
        for person in result.pose_landmarks
    ]
    areas = [_bbox_area(p) for p in people]
    best = int(np.argmax(areas))
    world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks[best]], dtype=np.float32)
    return PoseFrame(
        timestamp_s=timestamp_s,
        image_size=image_size,
        landmarks=people[best],
        world=world,
        num_people=distinct_people([person[:, :2] for person in people]),
    )


# Two poses whose boxes overlap this much (intersection over union) are one person found twice.
# With two poses asked for, MediaPipe sometimes returns the same person twice (boxes overlapping
# by 0.58-0.88): a real clip of one man alone, and 5 of 200 renders, were told someone else was
# in view. Two people side by side overlap by none.
SAME_PERSON_IOU = 0.5


def distinct_people(people: list[np.ndarray]) -> int:
    """How many of these poses ((33, 2) normalised image landmarks each) are different people."""
    boxes: list[np.ndarray] = []
    for xy in people:
        box = _box(xy)
        if all(_iou(box, other) < SAME_PERSON_IOU for other in boxes):
            boxes.append(box)
    return len(boxes)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    inter = np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0.0, None).prod()
    union = (a[2:] - a[:2]).prod() + (b[2:] - b[:2]).prod() - inter
    return float(inter / union) if union > 0 else 0.0


def _box(landmarks: np.ndarray) -> np.ndarray:
    """(x0, y0, x1, y1) around the landmarks' normalised x, y, clipped to the picture."""
    xy = np.clip(landmarks[:, :2], 0.0, 1.0)
    return np.concatenate([xy.min(axis=0), xy.max(axis=0)])


def _bbox_area(landmarks: np.ndarray) -> float:
    box = _box(landmarks)
    return float((box[2] - box[0]) * (box[3] - box[1]))
