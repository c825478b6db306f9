"""Analyse one clip or track file end to end: the file loop over the streaming analyzer.

Shared by ``formcheck analyze`` and the app, so both give the same numbers and messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.analysis import Analyzer, LiveState, SessionResult
from formcheck.errors import UserError
from formcheck.pipeline import ProgressCallback, run_video
from formcheck.pose import PoseSettings
from formcheck.pose_types import PoseFrame
from formcheck.track import Track
from formcheck.video_io import VideoFrame

Draw = Callable[[np.ndarray, PoseFrame, LiveState], np.ndarray]


@dataclass
class ClipAnalysis:
    result: SessionResult
    states: list[LiveState]  # one per frame: what the live view showed, for charts
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
    draw: Draw | None = None,
) -> ClipAnalysis:
    """Video or track file in; the session result, per-frame states and the pose track out."""
    path = Path(path)
    analyzer = Analyzer(exercise, side=side, live=False, source=path.name)
    states: list[LiveState] = []
    if is_track_file(path):
        if annotated_path:
            raise UserError("An annotated video needs the original video, not a track file.")
        track = Track.load(path)
        states = [analyzer.update(frame) for frame in track.frames]
        return ClipAnalysis(analyzer.finish(), states, track)

    if draw is None:
        from formcheck.analysis.overlay import draw_state as draw

    def on_frame(video_frame: VideoFrame, pose: PoseFrame) -> np.ndarray:
        state = analyzer.update(pose)
        states.append(state)
        return draw(video_frame.image, pose, state) if annotated_path else video_frame.image

    track = run_video(path, on_frame, annotated_path, settings, progress)
    return ClipAnalysis(analyzer.finish(), states, track)
