"""Analyse one clip or track file end to end: the file loop over the streaming analyzer.

Shared by ``formcheck analyze`` and the app, so both give the same numbers and messages.
The clip is decoded once. Pass 1 runs pose + the streaming analyzer (or reads a saved track);
when an annotated video is wanted, it also spools each decoded frame, JPEG-compressed, to a
temporary file on a background thread. Pass 2 draws the *final* result on the spooled frames,
so the video shows exactly the reps and holds of the report (the file path re-analyses the
whole series with a zero-phase filter at the end, which can shift a rep boundary by a frame or
two), while drawing and encoding run on a background thread.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path

from formcheck.analysis import Analyzer, LiveState, SessionResult
from formcheck.analysis.overlay import draw_state, timeline
from formcheck.errors import UserError
from formcheck.pipeline import Progress, ProgressCallback, annotated_writer, run_video
from formcheck.pose import PoseSettings
from formcheck.pose_types import PoseFrame
from formcheck.streams import SpooledFrames
from formcheck.track import Track
from formcheck.video_io import VideoFrame, probe

# Spooled frames: JPEG quality 90 is visually lossless under the H.264 encode that follows.
SPOOL_QUALITY = 90


@dataclass
class ClipAnalysis:
    result: SessionResult
    states: list[LiveState]  # one per frame, consistent with the result: for charts and overlays
    track: Track


def is_track_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ".json"


def analyze_clip(
    path: str | Path,
    exercise: str,
    side: str = "auto",
    annotated_path: str | Path | None = None,
    progress: bool | ProgressCallback = False,
    settings: PoseSettings | None = None,
) -> ClipAnalysis:
    """Video or track file in; the session result, per-frame states and the pose track out."""
    path = Path(path)
    analyzer = Analyzer(exercise, side=side, live=False, source=path.name)
    states: list[LiveState] = []
    if is_track_file(path):
        if annotated_path:
            raise UserError("--annotated needs the video itself, not a track file")
        track = Track.load(path)
        states = [analyzer.update(frame) for frame in track.frames]
        result = analyzer.finish()
        return ClipAnalysis(result, timeline(result, states), track)
    with SpooledFrames(SPOOL_QUALITY) if annotated_path else contextlib.nullcontext() as spool:

        def on_frame(video_frame: VideoFrame, pose: PoseFrame) -> None:
            states.append(analyzer.update(pose))
            if spool is not None:
                spool.put(video_frame.image)

        track = run_video(path, on_frame, None, settings, progress)
        result = analyzer.finish()
        states = timeline(result, states)
        if annotated_path and spool is not None:
            fps = probe(path).fps
            write_annotated(spool, annotated_path, fps, track.frames, states, progress)
    return ClipAnalysis(result, states, track)


def write_annotated(
    spool: SpooledFrames,
    out: str | Path,
    fps: float,
    poses: list[PoseFrame],
    states: list[LiveState],
    progress: bool | ProgressCallback = False,
) -> None:
    """Draw skeleton, key angle, reps, hold timer and cue on each spooled frame; H.264.

    Three stages on three threads: frames read back a few ahead, drawn here, encoded behind.
    """
    bar = Progress(progress, len(poses), "drawing")
    try:
        with annotated_writer(out, fps) as sink:
            assert sink is not None
            for image, pose, state in zip(spool.frames(), poses, states, strict=False):
                sink.put(_draw(image, pose, state))
                bar.step()
    finally:
        bar.close()


def _draw(image, pose: PoseFrame, state: LiveState):
    height, width = image.shape[:2]
    if pose.image_size != (width, height):  # frames spooled at a smaller size
        pose = replace(pose, image_size=(width, height))
    return draw_state(image, pose, state)
