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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.errors import UserError
from formcheck.json_files import save_compact_json
from formcheck.landmarks import NUM_LANDMARKS
from formcheck.pose_types import PoseFrame

SCHEMA = "formcheck.track"
VERSION = 1


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
        path = Path(path)
        if not path.is_file():
            raise TrackFormatError(f"Track file not found: {path}")
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
            raise TrackFormatError(f"{name} is malformed: frame times must increase")
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
