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
    # Plain-words problems with the input (a truncated clip, non-numeric landmarks), kept with the
    # track so that analysing it again still says so.
    warnings: list[str] = field(default_factory=list)

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
            **({"warnings": self.warnings} if self.warnings else {}),
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
            if not isinstance(value, dict):
                raise ValueError('"extra" must be an object')
            self.extra = value
        elif key == "warnings":
            if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
                raise ValueError('"warnings" must be a list of texts')
            self.warnings = [*value, *self.warnings]

    @classmethod
    def _load_whole(cls, path: Path) -> Track:
        try:
            data = json.loads(path.read_text())
        except UnicodeDecodeError:
            raise TrackFormatError(f"{path.name} is not a JSON track file (it is not text)") from None
        except json.JSONDecodeError as exc:
            raise TrackFormatError(f"{path.name} is not a JSON track file ({exc})") from None
        except RecursionError:
            raise TrackFormatError(f"{path.name} is not a formcheck track (nested too deeply)") from None
        except ValueError as exc:  # e.g. an integer with thousands of digits
            raise TrackFormatError(f"{path.name} is not a formcheck track ({exc})") from None
        return cls.from_dict(data, name=path.name)

    @classmethod
    def from_dict(cls, data: Any, name: str = "track") -> Track:
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise TrackFormatError(f'{name} is not a formcheck track (missing "schema": "{SCHEMA}")')
        if data.get("version") != VERSION:
            found = repr(data.get("version"))[:40]
            raise TrackFormatError(f"{name} has track version {found}; this formcheck reads {VERSION}")
        try:
            image_size = _image_size(data.get("image_size"))
            fps = _number(data.get("fps") or 0.0, "fps", low=0.0, high=10_000.0)
            raw_frames = data["frames"]
            if not isinstance(raw_frames, list):
                raise ValueError('"frames" must be a list')
            nonfinite = _NonFinite()
            frames = [_frame_from_dict(f, image_size, nonfinite) for f in raw_frames]
            extra = data.get("extra", {})
            if not isinstance(extra, dict):
                raise ValueError('"extra" must be an object')
            warnings = data.get("warnings", [])
            if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
                raise ValueError('"warnings" must be a list of texts')
        except KeyError as exc:
            raise TrackFormatError(f"{name} is malformed: {exc} is missing") from None
        except (TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise TrackFormatError(f"{name} is malformed: {str(exc)[:200]}") from None
        times = [f.timestamp_s for f in frames]
        if any(b <= a for a, b in zip(times, times[1:], strict=False)):
            raise TrackFormatError(_NOT_INCREASING.format(name=name))
        if nonfinite.frames:
            warnings = [*warnings, nonfinite.message()]
        return cls(
            frames=frames,
            image_size=image_size,
            fps=fps,
            source=str(data.get("source", ""))[:500],
            model=str(data.get("model", ""))[:500],
            extra=extra,
            warnings=warnings,
        )


# A frame larger than this is not a real camera's (and would overflow the drawing code).
MAX_IMAGE_SIDE = 16_384


def _number(value: Any, what: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number, got {type(value).__name__}")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(f"{what} must be between {low:g} and {high:g}, got {value!r:.40}")
    return number


def _image_size(value: Any) -> tuple[int, int]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError("image_size must be [width, height]")
    width, height = (_number(v, "image_size", 1, MAX_IMAGE_SIDE) for v in value)
    return int(width), int(height)


@dataclass
class _NonFinite:
    """Counts landmarks that were NaN or infinite, for one warning per track."""

    landmarks: int = 0
    frames: int = 0

    def message(self) -> str:
        return (
            f"{self.landmarks} landmark values in {self.frames} frames were not numbers (NaN or infinite); "
            "those landmarks were treated as not seen."
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


def _frame_from_dict(item: Any, image_size: tuple[int, int], nonfinite: _NonFinite) -> PoseFrame:
    if not isinstance(item, dict):
        raise ValueError("each frame must be an object")
    t = _number(item["t"], "frame time t", low=-1e9, high=1e9)
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
    bad = ~np.isfinite(full).all(axis=1)
    if world_array is not None:
        bad |= ~np.isfinite(world_array).all(axis=1)
    if bad.any():  # a NaN must not pass for a position: the landmark is simply not seen
        nonfinite.landmarks += int(bad.sum())
        nonfinite.frames += 1
        full[bad, :3] = np.nan
        full[bad, 3:] = 0.0
        if world_array is not None:
            world_array[bad] = np.nan
    people = item.get("people", 1)
    return PoseFrame(
        timestamp_s=t,
        image_size=image_size,
        landmarks=full,
        world=world_array,
        num_people=int(_number(people, "people", 0, 1000)),
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
            except (RecursionError, ValueError) as exc:  # too deep, a number too long: say it as load() does
                raise _NotStreamable from exc
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
    nonfinite = _NonFinite()
    try:
        for item in elements:
            try:
                frame = _frame_from_dict(item, header.image_size, nonfinite)
            except KeyError as exc:
                raise TrackFormatError(f"{path.name} is malformed: {exc} is missing") from None
            except (TypeError, ValueError, OverflowError, RecursionError) as exc:
                raise TrackFormatError(f"{path.name} is malformed: {str(exc)[:200]}") from None
            if last is not None and frame.timestamp_s <= last:
                raise TrackFormatError(_NOT_INCREASING.format(name=path.name))
            last = frame.timestamp_s
            yield frame
        if nonfinite.frames:  # known once every frame was read
            header.warnings.append(nonfinite.message())
    except _NotStreamable:
        Track._load_whole(path)  # raises the error a whole read gives
        raise TrackFormatError(f"{path.name} could not be read as it changed while being read") from None
