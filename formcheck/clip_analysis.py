"""Analyse one clip or track file end to end: the file loop over the streaming analyzer.

Shared by ``formcheck analyze`` and the app, so both give the same numbers and messages.
The clip is decoded once: pose + the streaming analyzer (or a saved track, streamed). When an
annotated video is wanted, each frame is drawn with what it shows by itself (skeleton, key
angle, hip line) and encoded as H.264 on a background thread while the model works on the next
frame, and its live state is spooled to disk. At the end, the final result (the file path
re-analyses the whole series with a zero-phase filter, which can move a rep boundary by a frame
or two) turns the spooled states into WebVTT captions: reps, hold timer and cues exactly as the
report has them.

Why not draw the final result into the picture: that needs a second pass after the clip's end,
and decoding (or reading back spooled frames), drawing and encoding a 720p frame cost more CPU
than the pose model itself, so the annotated run took 1.5x the model's time; overlapped with
the model they add little on two cores (README, *Performance*).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from formcheck.analysis import Analyzer, LiveState, SessionResult
from formcheck.analysis.captions import webvtt
from formcheck.analysis.overlay import draw_measures, timeline
from formcheck.errors import UserError
from formcheck.pipeline import ProgressCallback, annotated_writer, run_video
from formcheck.pose import PoseSettings
from formcheck.pose_types import PoseFrame
from formcheck.streams import BackgroundSink, SpooledRecords
from formcheck.track import Track
from formcheck.video_io import probe


@dataclass
class ClipAnalysis:
    result: SessionResult
    states: list[LiveState]  # one per frame, consistent with the result: for charts and overlays
    track: Track  # the pose frames (none when analysed with keep=False)
    # With an annotated video: its reps, hold timer and cues from the final result, as WebVTT.
    captions: str | None = None


def is_track_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ".json"


def analyze_clip(
    path: str | Path,
    exercise: str,
    side: str = "auto",
    annotated_path: str | Path | None = None,
    progress: bool | ProgressCallback = False,
    settings: PoseSettings | None = None,
    keep: bool = True,
    source_name: str | None = None,
) -> ClipAnalysis:
    """Video or track file in; the session result, per-frame states and the pose track out.

    ``keep=False`` returns no per-frame states or pose frames, for callers that want only the
    result (the command line): this module then holds nothing per frame, whatever the length.
    ``source_name``: the name to report (an upload's own file name rather than its temp file's).
    """
    path = Path(path)
    analyzer = Analyzer(exercise, side=side, live=False, source=source_name or path.name)
    states: list[LiveState] = []
    if is_track_file(path):
        if annotated_path:
            raise UserError("--annotated needs the video itself, not a track file")
        track, frames = Track.stream(path)
        for frame in frames:
            if frame.detected and frame.world is None:
                raise UserError(
                    f"{path.name} has image landmarks only. formcheck needs the 3D (world) landmarks too: "
                    "make the track with `formcheck pose VIDEO --out track.json`."
                )
            state = analyzer.update(frame)
            if keep:
                states.append(state)
                track.frames.append(frame)
        result = analyzer.finish()
        result.warnings.extend(track.warnings)  # known once every frame was read
        return ClipAnalysis(result, timeline(result, states), track)
    info = probe(path)
    with contextlib.ExitStack() as stack:
        spooled = stack.enter_context(SpooledRecords[LiveState]()) if annotated_path else None
        # Each decoded frame is read by nothing else once it is queued here: draw on it in place.
        video = stack.enter_context(annotated_writer(annotated_path, info.fps, partial(draw_measures, in_place=True)))

        def analyse(item: tuple[np.ndarray, PoseFrame]) -> None:
            image, pose = item
            state = analyzer.update(pose)
            if keep:
                states.append(state)
            if spooled is not None and video is not None:
                spooled.put(state)
                video.put((image, pose, state))

        # The analyzer runs on its own thread, in frame order, while the model (which releases
        # the GIL) works on the next frame. Same results as inline, checked on a sample clip.
        worker: BackgroundSink[tuple[np.ndarray, PoseFrame]] = BackgroundSink(analyse)
        try:
            track = run_video(
                path, lambda frame, pose: worker.put((frame.image, pose)), None, settings, progress, keep, info
            )
        finally:
            worker.close()
        result = analyzer.finish()
        result.warnings.extend(track.warnings)
        captions = webvtt(result, spooled.items(), info.fps) if spooled is not None else None
    return ClipAnalysis(result, timeline(result, states), track, captions)
