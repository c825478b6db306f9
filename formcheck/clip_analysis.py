"""Analyse one clip or track file end to end: the file loop over the streaming analyzer.

Shared by ``formcheck analyze`` and the app, so both give the same numbers and messages.
Pass 1 runs pose + the streaming analyzer (or reads a saved track). Pass 2, only when an
annotated video is wanted, decodes the clip again and draws the *final* result on it, so the
video shows exactly the reps and holds of the report (the file path re-analyses the whole
series with a zero-phase filter at the end, which can shift a rep boundary by a frame or two).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from formcheck.analysis import Analyzer, LiveState, SessionResult
from formcheck.analysis.overlay import draw_state, timeline
from formcheck.errors import UserError
from formcheck.pipeline import ProgressCallback, run_video
from formcheck.pose import PoseSettings
from formcheck.pose_types import PoseFrame
from formcheck.streams import BackgroundSink
from formcheck.track import Track
from formcheck.video_io import VideoFrame, VideoWriter, probe, read_frames


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
    source_name: str | None = None,
) -> ClipAnalysis:
    """Video or track file in; the session result, per-frame states and the pose track out.

    ``source_name``: the name to report (an upload's own file name rather than its temp file's).
    """
    path = Path(path)
    analyzer = Analyzer(exercise, side=side, live=False, source=source_name or path.name)
    states: list[LiveState] = []
    if is_track_file(path):
        if annotated_path:
            raise UserError("--annotated needs the video itself, not a track file")
        track = Track.load(path)
        states = [analyzer.update(frame) for frame in track.frames]
    else:

        def on_frame(video_frame: VideoFrame, pose: PoseFrame) -> None:
            states.append(analyzer.update(pose))

        track = run_video(path, on_frame, None, settings, progress)
    result = analyzer.finish()
    result.warnings.extend(track.warnings)
    states = timeline(result, states)
    if annotated_path:
        write_annotated(path, annotated_path, track.frames, states, progress)
    return ClipAnalysis(result, states, track)


def write_annotated(
    video: Path,
    out: str | Path,
    poses: list[PoseFrame],
    states: list[LiveState],
    progress: bool | ProgressCallback = False,
) -> None:
    """Draw skeleton, key angle, reps, hold timer and cue on each frame; H.264, encoded behind."""
    info = probe(video)
    callback = progress if callable(progress) else None
    bar = tqdm(total=len(poses), unit="frame", desc="drawing", disable=progress is not True, leave=False)
    writer = VideoWriter(out, fps=info.fps or 30.0)
    sink = BackgroundSink(writer.write)
    try:
        for frame, pose, state in zip(read_frames(video), poses, states, strict=False):
            sink.put(draw_state(frame.image, pose, state))
            bar.update(1)
            if callback:
                callback(frame.index + 1, len(poses))
        sink.close()
        writer.close()
    except BaseException:
        sink.close(raise_error=False)
        writer.abort()
        raise
    finally:
        bar.close()
