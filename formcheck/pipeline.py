"""File path of the streaming pipeline: video frames → pose frames, one at a time.

Decoding runs a few frames ahead in a background thread and the annotated video is
encoded behind, so a file costs little more than the model itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from tqdm import tqdm

from formcheck.analysis.quality import brightness, light_warning
from formcheck.annotate import draw_skeleton
from formcheck.pose import PoseEstimator, PoseSettings, default_model_path
from formcheck.pose_types import PoseFrame
from formcheck.streams import BackgroundSink, prefetch
from formcheck.track import Track
from formcheck.video_io import ReadReport, VideoFrame, VideoInfo, VideoWriter, probe, read_frames

ProgressCallback = Callable[[int, int | None], None]


def iter_pose(
    video_path: str | Path,
    settings: PoseSettings | None = None,
    progress: bool | ProgressCallback = False,
    info: VideoInfo | None = None,
    report: ReadReport | None = None,
) -> Iterator[tuple[VideoFrame, PoseFrame]]:
    """Yield each decoded frame with its pose. ``progress``: True for a terminal bar, or a callback(done, total).

    ``report`` learns whether the clip could be read to its end.
    """
    info = info or probe(video_path)
    bar = tqdm(total=info.frame_count, unit="frame", desc="pose", disable=progress is not True, leave=False)
    callback = progress if callable(progress) else None
    with PoseEstimator(settings) as estimator, bar:
        for done, frame in enumerate(prefetch(read_frames(video_path, report=report)), start=1):
            yield frame, estimator.process(frame.image, frame.timestamp_s)
            bar.update(1)
            if callback:
                callback(done, info.frame_count)


# Returns the picture to write to the annotated video (ignored, and may be None, without one).
FrameHandler = Callable[[VideoFrame, PoseFrame], np.ndarray | None]


def run_video(
    video_path: str | Path,
    on_frame: FrameHandler,
    annotated_path: str | Path | None = None,
    settings: PoseSettings | None = None,
    progress: bool | ProgressCallback = False,
) -> Track:
    """Pose every frame, call ``on_frame`` (which returns the picture to write), and return the track.

    The annotated video, when asked for, is H.264 and encoded on a background thread.
    """
    info = probe(video_path)
    report = ReadReport()
    frames: list[PoseFrame] = []
    levels: list[float] = []  # picture brightness, every 10th frame: a dark clip earns a warning
    writer = VideoWriter(annotated_path, fps=info.fps or 30.0) if annotated_path else None
    sink = BackgroundSink(writer.write) if writer else None
    try:
        for video_frame, pose in iter_pose(video_path, settings, progress, info, report):
            frames.append(pose)
            if video_frame.index % 10 == 0:
                levels.append(brightness(video_frame.image))
            picture = on_frame(video_frame, pose)
            if sink:
                sink.put(picture)
        if sink:
            sink.close()
        if writer:
            writer.close()
    except BaseException:
        if sink:
            sink.close(raise_error=False)
        if writer:
            writer.abort()
        raise
    model = Path((settings.model_path if settings else None) or default_model_path()).name
    dark = light_warning(levels)
    return Track(
        frames=frames,
        image_size=(info.width, info.height),
        fps=info.fps,
        source=Path(video_path).name,
        model=model,
        warnings=[w for w in (report.stopped_early, dark) if w],
    )


def track_from_video(
    video_path: str | Path,
    annotated_path: str | Path | None = None,
    settings: PoseSettings | None = None,
    progress: bool | ProgressCallback = False,
) -> Track:
    """Run the model over a whole clip; optionally write an H.264 video with the skeleton drawn on."""
    return run_video(
        video_path,
        lambda video_frame, pose: draw_skeleton(video_frame.image, pose),
        annotated_path,
        settings,
        progress,
    )
