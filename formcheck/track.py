"""A track file: one clip's pose frames, saved so the clip can be re-analysed without the model.

Format (JSON, ``schema`` = "formcheck.track", ``version`` = 1), documented in README.md:

    {
      "schema": "formcheck.track", "version": 1,
      "source": "clip.mp4",                 # where the frames came from (free text)
      "model": "pose_landmarker_full.task",  # or the name of another tool
      "image_size": [width, height],         # pixels, rotation already applied
      "fps": 30.0,                           # average rate, informative only
      "frames": [
        {"t": 0.0, "people": 1,
         "landmarks": [[x, y, z, visibility, presence], ... 33 rows],
         "world": [[x, y, z], ... 33 rows] | null},
        {"t": 0.033, "people": 0, "landmarks": null, "world": null},
        ...
      ]
    }

Landmarks from another tool need only ``t`` and ``landmarks`` (x, y normalised to the image;
z, visibility and presence may be omitted: rows of 2 or 3 numbers get visibility = presence = 1).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.errors import UserError
from formcheck.json_files import save_compact_json
from formcheck.landmarks import NUM_LANDMARKS
from formcheck.pose_types import PoseFrame

SCHEMA = "formcheck.track"
VERSION = 1
_NOT_INCREASING = "{name} is malformed: frame times must increase"
_CHUNK = 1 << 20  # characters read at a time when streaming
_HEADER_KEYS = ("schema", "version", "image_size")  # what must come before "frames" to stream


class TrackFormatError(UserError):
    """The track file is not one formcheck can read; the message says what is wrong."""


@dataclass
class Track:
    frames: list[PoseFrame]
    image_size: tuple[int, int]
    fps: float
    source: str = ""
    model: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def detection_rate(self) -> float:
        return sum(f.detected for f in self.frames) / len(self.frames) if self.frames else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "version": VERSION,
            "source": self.source,
            "model": self.model,
            "image_size": list(self.image_size),
            "fps": self.fps,
            "frames": [_frame_to_dict(f) for f in self.frames],
            **({"extra": self.extra} if self.extra else {}),
        }

    def save(self, path: str | Path) -> Path:
        return save_compact_json(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | Path) -> Track:
        header, frames = cls.stream(path)
        return replace(header, frames=list(frames))

    @classmethod
    def stream(cls, path: str | Path) -> tuple[Track, Iterator[PoseFrame]]:
        """The track's header (a Track without frames) and its frames, read one at a time.

        Memory stays flat in the track's length. A file whose header does not come before its
        frames (as ``save`` writes it), or that is not valid JSON, is read whole instead, so
        every error says exactly what ``load`` always said; frame errors surface while iterating.
        """
        path = Path(path)
        if not path.is_file():
            raise TrackFormatError(f"Track file not found: {path}")
        try:
            stream = _stream_header(path)
        except _NotStreamable:
            stream = None
        if stream is None:
            track = cls._load_whole(path)
            return replace(track, frames=[]), iter(track.frames)
        data, cursor = stream
        header = cls.from_dict({**data, "frames": []}, name=path.name)
        elements = _elements(cursor, header._set_trailing)
        return header, _stream_frames(path, header, elements)

    def _set_trailing(self, key: str, value: Any) -> None:
        """A header key found after the frames (``save`` writes "extra" there)."""
        if key == "fps":
            self.fps = float(value or 0.0)
        elif key in ("source", "model"):
            setattr(self, key, str(value))
        elif key == "extra":
            self.extra = dict(value)

    @classmethod
    def _load_whole(cls, path: Path) -> Track:
        try:
            data = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TrackFormatError(f"{path.name} is not a JSON track file ({exc})") from exc
        return cls.from_dict(data, name=path.name)

    @classmethod
    def from_dict(cls, data: Any, name: str = "track") -> Track:
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise TrackFormatError(f'{name} is not a formcheck track (missing "schema": "{SCHEMA}")')
        if data.get("version") != VERSION:
            raise TrackFormatError(f"{name} has track version {data.get('version')}; this formcheck reads {VERSION}")
        try:
            width, height = (int(v) for v in data["image_size"])
            frames = [_frame_from_dict(f, (width, height)) for f in data["frames"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise TrackFormatError(f"{name} is malformed: {exc}") from exc
        times = [f.timestamp_s for f in frames]
        if any(b <= a for a, b in zip(times, times[1:], strict=False)):
            raise TrackFormatError(_NOT_INCREASING.format(name=name))
        return cls(
            frames=frames,
            image_size=(width, height),
            fps=float(data.get("fps") or 0.0),
            source=str(data.get("source", "")),
            model=str(data.get("model", "")),
            extra=dict(data.get("extra", {})),
        )


def _rounded(rows: np.ndarray, digits: int = 5) -> list[list[float]]:
    return [[round(float(v), digits) for v in row] for row in rows]


def _frame_to_dict(frame: PoseFrame) -> dict[str, Any]:
    return {
        "t": round(frame.timestamp_s, 6),
        "people": frame.num_people,
        "landmarks": None if frame.landmarks is None else _rounded(frame.landmarks),
        "world": None if frame.world is None else _rounded(frame.world),
    }


def _frame_from_dict(item: dict[str, Any], image_size: tuple[int, int]) -> PoseFrame:
    t = float(item["t"])
    if not math.isfinite(t):
        raise ValueError("frame time is not a number")
    raw = item.get("landmarks")
    if raw is None:
        return PoseFrame.empty(t, image_size)
    landmarks = np.asarray(raw, dtype=np.float32)
    if landmarks.ndim != 2 or landmarks.shape[0] != NUM_LANDMARKS or not 2 <= landmarks.shape[1] <= 5:
        raise ValueError(f"landmarks at t={t} must be 33 rows of 2 to 5 numbers, got {landmarks.shape}")
    full = np.zeros((NUM_LANDMARKS, 5), dtype=np.float32)
    full[:, 3:] = 1.0  # visibility and presence default to "seen" for tools that do not give them
    full[:, : landmarks.shape[1]] = landmarks
    world = item.get("world")
    world_array = None if world is None else np.asarray(world, dtype=np.float32).reshape(NUM_LANDMARKS, 3)
    return PoseFrame(
        timestamp_s=t,
        image_size=image_size,
        landmarks=full,
        world=world_array,
        num_people=int(item.get("people", 1)),
    )


# ---------------------------------------------------------------------------- streaming read
class _NotStreamable(Exception):
    """Read the file whole instead (unusual key order, invalid JSON, ...)."""


class _JsonCursor:
    """Top-level JSON values read one at a time from a text file, with a bounded buffer."""

    def __init__(self, path: Path) -> None:
        self._file = path.open(encoding="utf-8")
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._decoder = json.JSONDecoder()

    def close(self) -> None:
        self._file.close()

    def _more(self) -> bool:
        if self._eof:
            return False
        try:
            chunk = self._file.read(_CHUNK)
        except UnicodeDecodeError as exc:
            raise _NotStreamable from exc
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        self._eof = not chunk
        return bool(chunk)

    def char(self) -> str:
        """The next non-blank character, consumed."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in " \t\r\n":
                self._pos += 1
            if self._pos < len(self._buf):
                self._pos += 1
                return self._buf[self._pos - 1]
            if not self._more():
                raise _NotStreamable

    def value(self) -> Any:
        """The next JSON value, whole (a frame, a key, the header's small values)."""
        while True:
            self.char()
            self._pos -= 1
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError:
                value, end = None, -1
            # A value touching the end of the buffer may be cut short (a number, say): read on.
            if end != -1 and (end < len(self._buf) or self._eof):
                self._pos = end
                return value
            if not self._more():
                raise _NotStreamable


def _stream_header(path: Path) -> tuple[dict[str, Any], _JsonCursor]:
    """The keys before "frames", and a cursor positioned at its first element."""
    cursor = _JsonCursor(path)
    try:
        data: dict[str, Any] = {}
        if cursor.char() != "{":
            raise _NotStreamable
        while True:
            key = cursor.value()
            if not isinstance(key, str) or cursor.char() != ":":
                raise _NotStreamable
            if key == "frames":
                break
            data[key] = cursor.value()
            if cursor.char() != ",":
                raise _NotStreamable  # the object ended without frames
        if any(k not in data for k in _HEADER_KEYS) or data.get("schema") != SCHEMA or cursor.char() != "[":
            raise _NotStreamable
    except BaseException:
        cursor.close()
        raise
    return data, cursor


def _elements(cursor: _JsonCursor, trailing: Callable[[str, Any], None]) -> Iterator[Any]:
    """The elements of the array the cursor is in, then checks that the rest of the file is JSON."""
    try:
        if cursor.char() != "]":
            cursor._pos -= 1
            while True:
                yield cursor.value()
                sep = cursor.char()
                if sep == "]":
                    break
                if sep != ",":
                    raise _NotStreamable
        while cursor.char() == ",":  # keys after the frames (save() writes only "extra" there)
            key = cursor.value()
            if not isinstance(key, str) or cursor.char() != ":":
                raise _NotStreamable
            try:
                trailing(key, cursor.value())
            except (TypeError, ValueError) as exc:
                raise _NotStreamable from exc
        cursor._pos -= 1
        if cursor.char() != "}":
            raise _NotStreamable
    finally:
        cursor.close()


def _stream_frames(path: Path, header: Track, elements: Iterator[Any]) -> Iterator[PoseFrame]:
    last: float | None = None
    try:
        for item in elements:
            try:
                frame = _frame_from_dict(item, header.image_size)
            except (KeyError, TypeError, ValueError) as exc:
                raise TrackFormatError(f"{path.name} is malformed: {exc}") from exc
            if last is not None and frame.timestamp_s <= last:
                raise TrackFormatError(_NOT_INCREASING.format(name=path.name))
            last = frame.timestamp_s
            yield frame
    except _NotStreamable:
        Track._load_whole(path)  # raises the error a whole read gives
        raise TrackFormatError(f"{path.name} could not be read as it changed while being read") from None
