"""File path of the streaming pipeline: video frames → pose frames, one at a time.

Decoding runs a few frames ahead in a background thread, the model in its own process
(formcheck/pose_worker.py), and drawing + encoding of the annotated video behind on another
thread, so a file costs little more than the model itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from formcheck.analysis.quality import brightness, light_warning, zoom_warning
from formcheck.annotate import draw_skeleton
from formcheck.pose import PoseSettings, default_model_path
from formcheck.pose_types import PoseFrame
from formcheck.pose_worker import PoseWorker
from formcheck.streams import BackgroundSink, prefetch
from formcheck.track import Track
from formcheck.video_io import ReadReport, VideoFrame, VideoInfo, VideoWriter, probe, read_frames

ProgressCallback = Callable[[int, int | None], None]
# x264 preset of the annotated video, encoded while the model runs: "superfast" costs less CPU
# a frame than "veryfast" for a larger file, and that CPU is taken from the core the model's
# helpers share (README, *Performance*, gives both).
ANNOTATED_PRESET = "superfast"


class Progress:
    """Progress of one pass: a terminal bar (``progress=True``), a callback(done, total), or nothing."""

    def __init__(self, progress: bool | ProgressCallback, total: int | None, desc: str) -> None:
        self._bar = tqdm(total=total, unit="frame", desc=desc, disable=progress is not True, leave=False)
        self._callback = progress if callable(progress) else None
        self._total = total
        self.done = 0

    def step(self) -> None:
        self.done += 1
        self._bar.update(1)
        if self._callback:
            self._callback(self.done, self._total)

    def close(self) -> None:
        self._bar.close()


@contextlib.contextmanager
def annotated_writer(
    path: str | Path | None, fps: float, draw: Callable[..., np.ndarray] | None = None
) -> Iterator[BackgroundSink | None]:
    """A sink for the annotated video (None without a path): ``put(args)`` draws ``draw(*args)``
    and encodes it as H.264 on a background thread, so both overlap the caller's work.
    Without ``draw``, ``put`` takes the finished picture."""
    if path is None:
        yield None
        return
    writer = VideoWriter(path, fps=fps or 30.0, preset=ANNOTATED_PRESET)

    def consume(item: Any) -> None:
        writer.write(draw(*item) if draw else item)

    sink: BackgroundSink = BackgroundSink(consume)
    try:
        yield sink
        sink.close()
    except BaseException:  # a failed or interrupted run leaves no half-written video behind
        sink.close(raise_error=False)
        writer.abort()
        raise
    writer.close()


@dataclass
class PoseStats:
    """What the pose pass saw besides the poses (for the clip's warnings)."""

    zoomed_frames: int = 0  # the person found only in a zoomed crop (formcheck/zoom.py)


def iter_pose(
    video_path: str | Path,
    settings: PoseSettings | None = None,
    progress: bool | ProgressCallback = False,
    info: VideoInfo | None = None,
    report: ReadReport | None = None,
    stats: PoseStats | None = None,
) -> Iterator[tuple[VideoFrame, PoseFrame]]:
    """Yield each decoded frame with its pose. ``progress``: True for a terminal bar, or a callback(done, total).

    ``report`` learns whether the clip could be read to its end; ``stats``, how the poses were found.
    """
    info = info or probe(video_path)
    bar = Progress(progress, info.frame_count, "pose")
    try:
        with PoseWorker(settings) as worker:
            for frame, pose in worker.poses(prefetch(read_frames(video_path, report=report))):
                yield frame, pose
                if stats is not None:
                    stats.zoomed_frames = worker.zoomed_frames
                bar.step()
    finally:
        bar.close()


# Called with each decoded frame and its pose, on the main thread, in order.
FrameHandler = Callable[[VideoFrame, PoseFrame], None]


def run_video(
    video_path: str | Path,
    on_frame: FrameHandler | None = None,
    annotated_path: str | Path | None = None,
    settings: PoseSettings | None = None,
    progress: bool | ProgressCallback = False,
    keep_frames: bool = True,
    info: VideoInfo | None = None,
) -> Track:
    """Pose every frame, call ``on_frame``, and return the track (without frames if not ``keep_frames``).

    ``annotated_path``: also write an H.264 video with the skeleton, drawn and encoded on a
    background thread. ``info``: the clip's probe, if the caller has it already.
    """
    info = info or probe(video_path)
    report = ReadReport()
    stats = PoseStats()
    frames: list[PoseFrame] = []
    levels: list[float] = []  # picture brightness, every 10th frame: a dark clip earns a warning
    with annotated_writer(annotated_path, info.fps, draw_skeleton) as sink:
        for video_frame, pose in iter_pose(video_path, settings, progress, info, report, stats):
            if keep_frames:
                frames.append(pose)
            if video_frame.index % 10 == 0:
                levels.append(brightness(video_frame.image))
            if on_frame:
                on_frame(video_frame, pose)
            if sink:
                sink.put((video_frame.image, pose))
    dark = light_warning(levels)
    far = zoom_warning(stats.zoomed_frames, report.frames)
    return Track(
        frames=frames,
        image_size=(info.width, info.height),
        fps=info.fps,
        source=Path(video_path).name,
        model=model_name(settings),
        warnings=[w for w in (report.stopped_early, dark, far) if w],
    )


def model_name(settings: PoseSettings | None) -> str:
    return Path((settings.model_path if settings else None) or default_model_path()).name


def track_from_video(
    video_path: str | Path,
    annotated_path: str | Path | None = None,
    settings: PoseSettings | None = None,
    progress: bool | ProgressCallback = False,
) -> Track:
    """Run the model over a whole clip; optionally write an H.264 video with the skeleton drawn on."""
    return run_video(video_path, None, annotated_path, settings, progress)
