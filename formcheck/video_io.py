"""Video and image input/output with PyAV.

Why PyAV and not OpenCV: opencv-python wheels cannot write H.264 (browsers will not play
mp4v), and cv2.VideoCapture ignores phone rotation side data and variable frame rates.
PyAV gives both: libx264 output, the frame's real presentation time, and its rotation.
"""

from __future__ import annotations

import contextlib
import fractions
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

from formcheck.errors import UserError
from formcheck.output_files import OutputPathError, PendingFile


class VideoInputError(UserError):
    """The input cannot be read as a video or image; the message is meant for the user."""


@dataclass(frozen=True)
class VideoFrame:
    """A decoded, upright RGB frame and when it is shown."""

    index: int
    timestamp_s: float
    image: np.ndarray  # (H, W, 3) uint8 RGB, rotation already applied


@dataclass(frozen=True)
class VideoInfo:
    width: int  # after rotation
    height: int
    fps: float  # average rate; frames may still be irregular (VFR)
    frame_count: int | None  # None when the container does not say
    duration_s: float | None
    rotation: int  # degrees the stored pixels are turned to display upright


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise VideoInputError(f"File not found: {path}")
    if path.is_dir():
        raise VideoInputError(f"{path} is a folder, not a video file")
    if path.stat().st_size == 0:
        raise VideoInputError(f"{path.name} is empty (0 bytes)")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise VideoInputError(f"{path.name} is not a video or image formcheck can read ({_reason(exc)})") from exc
    if not container.streams.video:
        container.close()
        raise VideoInputError(f"{path.name} has no video in it")
    return container


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[-1].strip() or type(exc).__name__


def _rotation_of(frame: av.VideoFrame) -> int:
    """Degrees to turn the stored pixels counter-clockwise so the picture is upright."""
    return int(round(getattr(frame, "rotation", 0) or 0)) % 360


def _upright(image: np.ndarray, rotation: int) -> np.ndarray:
    # PyAV reports the display matrix rotation counter-clockwise, like FFmpeg's autorotate.
    turns = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=turns)) if turns else image


def _stated_duration(stream: av.VideoStream, container: av.container.InputContainer) -> float | None:
    """The length the file's header claims (None when it does not say)."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return container.duration / av.time_base if container.duration else None


def _rgb(frame: av.VideoFrame) -> np.ndarray:
    """The frame as RGB, by FFmpeg's swscale: with PyAV 18 it costs no more CPU than OpenCV's I420
    conversion at any size measured, and far less at unaligned widths (README, *Performance*)."""
    return frame.to_ndarray(format="rgb24")


def probe(path: str | Path) -> VideoInfo:
    """Size, rate and length of a clip without decoding it all (decodes one frame for rotation)."""
    path = Path(path)
    with _open(path) as container:
        stream = container.streams.video[0]
        rotation = 0
        width, height = stream.codec_context.width, stream.codec_context.height
        try:
            for frame in container.decode(stream):
                rotation = _rotation_of(frame)
                width, height = frame.width, frame.height
                break
        except av.error.FFmpegError as exc:
            raise VideoInputError(f"{path.name} could not be decoded ({_reason(exc)})") from exc
        if rotation in (90, 270):
            width, height = height, width
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else 0.0
        duration = _stated_duration(stream, container)
        frames = stream.frames or None
        if frames is None and duration and fps:
            frames = int(round(duration * fps))
        return VideoInfo(width, height, fps, frames, duration, rotation)


@dataclass
class ReadReport:
    """How reading a clip ended, so a truncated or damaged file earns a warning, not silence."""

    frames: int = 0
    last_t: float = 0.0
    stopped_early: str | None = None  # plain words when the clip could not be read to its end


# A clip whose last frame comes this much before its stated duration was cut short.
TRUNCATION_SLACK_S = 0.5


def read_frames(
    path: str | Path, max_frames: int | None = None, report: ReadReport | None = None
) -> Iterator[VideoFrame]:
    """Yield upright RGB frames with presentation timestamps (seconds from the first frame).

    Still images yield a single frame at t=0. Raises VideoInputError with a plain message
    for a missing, empty, corrupt or non-video file. A clip that is readable only in part
    yields that part and says where reading stopped in ``report.stopped_early``.
    """
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # frame-threaded decode overlaps with inference
        first_pts: float | None = None
        last_t = -1.0
        index = 0
        fallback_step = 1.0 / float(stream.average_rate or stream.guessed_rate or 30)
        try:
            for frame in container.decode(stream):
                if frame.pts is not None and frame.time_base is not None:
                    t = float(frame.pts * frame.time_base)
                    first_pts = t if first_pts is None else first_pts
                    t -= first_pts
                else:
                    t = last_t + fallback_step if index else 0.0
                if t <= last_t:  # duplicate or out-of-order pts: keep time strictly increasing
                    t = last_t + 1e-3
                last_t = t
                image = _upright(_rgb(frame), _rotation_of(frame))
                yield VideoFrame(index=index, timestamp_s=t, image=image)
                index += 1
                if report is not None:
                    report.frames, report.last_t = index, t
                if max_frames is not None and index >= max_frames:
                    return
        except av.error.FFmpegError as exc:
            if index == 0:
                raise VideoInputError(f"{path.name} could not be decoded ({_reason(exc)})") from exc
            if report is not None:  # damaged mid-way: keep what decoded, and say so
                report.stopped_early = (
                    f"{path.name} is damaged: reading stopped at {last_t:.1f} s ({_reason(exc)}). "
                    "The results cover only the part before that."
                )
        if index == 0:
            raise VideoInputError(f"{path.name} contains no frames formcheck can decode")
        if report is not None and report.stopped_early is None:
            stated = _stated_duration(stream, container)
            step = fallback_step if index > 1 else 0.0
            if stated is not None and last_t + step < stated - TRUNCATION_SLACK_S:
                report.stopped_early = (
                    f"{path.name} ends at {last_t + step:.1f} s although it says it lasts {stated:.1f} s: "
                    "the file looks cut short (was it fully copied?). "
                    "The results cover only the part that could be read."
                )
    finally:
        container.close()


class VideoWriter:
    """Write browser-playable MP4: H.264, yuv420p, even size, faststart.

    Frames are RGB uint8. Odd widths/heights are padded by one pixel, because yuv420p
    needs even dimensions. The video is written to a hidden file beside ``path`` and renamed
    onto it by ``close()``; ``abort()`` (or leaving a ``with`` block by an error) removes it.
    """

    def __init__(self, path: str | Path, fps: float, crf: int = 23, preset: str = "veryfast") -> None:
        self.path = Path(path)
        self._pending = PendingFile(self.path)
        self._fps = fractions.Fraction(fps).limit_denominator(1001)
        self._crf = crf
        self._preset = preset
        self._container = av.open(str(self._pending.tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
        self._stream: av.VideoStream | None = None
        self.frames_written = 0

    def _open_stream(self, width: int, height: int) -> av.VideoStream:
        stream = self._container.add_stream("libx264", rate=self._fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(self._crf), "preset": self._preset}
        stream.codec_context.thread_count = 0
        return stream

    def write(self, image: np.ndarray) -> None:
        h, w = image.shape[:2]
        pad_h, pad_w = h % 2, w % 2
        if pad_h or pad_w:
            image = np.pad(image, ((0, pad_h), (0, pad_w), (0, 0)), mode="edge")
        if self._stream is None:
            self._stream = self._open_stream(image.shape[1], image.shape[0])
        # OpenCV's RGB -> I420 is faster than the encoder's own conversion, and more accurate.
        frame = av.VideoFrame.from_ndarray(cv2.cvtColor(image, cv2.COLOR_RGB2YUV_I420), format="yuv420p")
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except (OSError, av.error.FFmpegError) as exc:
            raise OutputPathError(f"cannot write {self.path}: {_reason(exc)}") from None
        self.frames_written += 1

    def close(self) -> None:
        """Finish the video and put it in place."""
        try:
            if self._stream is not None:
                for packet in self._stream.encode():
                    self._container.mux(packet)
            self._container.close()
        except (OSError, av.error.FFmpegError) as exc:
            self._pending.discard()
            raise OutputPathError(f"cannot write {self.path}: {_reason(exc)}") from None
        self._pending.commit()

    def abort(self) -> None:
        """Drop the unfinished video; the target path is left as it was."""
        with contextlib.suppress(Exception):
            self._container.close()
        self._pending.discard()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
