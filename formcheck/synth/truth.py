"""Ground truth of a synthetic clip: what happened in every frame and in every rep.

Saved next to the clip as ``<name>.truth.json``. Angles in degrees, times in seconds,
3D landmarks in world metres (Z up, floor at z = 0), 2D landmarks normalised like
MediaPipe's (x / image width, y / image height).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.json_files import save_compact_json
from formcheck.landmarks import Landmark
from formcheck.pose_types import PoseFrame

TRUTH_VERSION = 1

# PoseFrame visibility given to exact landmarks: seen, hidden behind the body, out of frame.
VISIBLE, OCCLUDED, OUT_OF_FRAME = 1.0, 0.3, 0.0


@dataclass
class FrameTruth:
    """One frame. ``metrics`` always has primary_angle_deg and pelvis_tilt_deg, plus the
    exercise's own (see formcheck.synth.metrics)."""

    index: int
    t: float
    phase: str  # "rest" | "up" | "hold" | "down"
    rep: int | None  # 0-based rep this frame belongs to (None at rest)
    metrics: dict[str, float]
    landmarks_2d: np.ndarray  # (33, 2) normalised image coordinates
    landmarks_3d: np.ndarray  # (33, 3) world metres
    depth_m: np.ndarray  # (33,) distance in front of the camera along its axis
    visible_2d: np.ndarray  # (33,) bool: in frame and not hidden behind the body

    @property
    def primary_angle_deg(self) -> float:
        return self.metrics["primary_angle_deg"]

    @property
    def pelvis_tilt_deg(self) -> float:
        return self.metrics["pelvis_tilt_deg"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "t": round(self.t, 6),
            "phase": self.phase,
            "rep": self.rep,
            **{k: round(v, 4) for k, v in self.metrics.items()},
            "landmarks_2d": np.round(self.landmarks_2d, 5).tolist(),
            "landmarks_3d": np.round(self.landmarks_3d, 4).tolist(),
            "depth_m": np.round(self.depth_m, 3).tolist(),
            "visible_2d": [int(v) for v in self.visible_2d],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FrameTruth:
        fixed = {"index", "t", "phase", "rep", "landmarks_2d", "landmarks_3d", "depth_m", "visible_2d"}
        return cls(
            index=int(d["index"]),
            t=float(d["t"]),
            phase=d["phase"],
            rep=d["rep"],
            metrics={k: float(v) for k, v in d.items() if k not in fixed},
            landmarks_2d=np.array(d["landmarks_2d"], dtype=float),
            landmarks_3d=np.array(d["landmarks_3d"], dtype=float),
            depth_m=np.array(d["depth_m"], dtype=float),
            visible_2d=np.array(d["visible_2d"], dtype=bool),
        )


@dataclass
class RepTruth:
    """One rep: when it happened, how far it went and which faults it carried (code -> magnitude)."""

    index: int
    side: str  # "left" | "right" | "both" (bridges are bilateral)
    start_s: float  # lift begins
    top_s: float  # top reached; the hold begins
    end_s: float  # back at rest
    hold_s: float
    peak_angle_deg: float
    faults: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "side": self.side,
            "start_s": round(self.start_s, 6),
            "top_s": round(self.top_s, 6),
            "end_s": round(self.end_s, 6),
            "hold_s": round(self.hold_s, 6),
            "peak_angle_deg": round(self.peak_angle_deg, 4),
            "faults": dict(self.faults),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RepTruth:
        return cls(**{**d, "faults": {k: float(v) for k, v in d["faults"].items()}})


@dataclass
class ClipTruth:
    """Everything true about one clip; ``frames[i]`` is video frame ``i``."""

    spec: dict[str, Any]
    fps: float
    image_size: tuple[int, int]  # (width, height)
    camera: dict[str, Any]  # Camera.to_dict() of the unshaken camera
    frames: list[FrameTruth]
    reps: list[RepTruth]
    version: int = TRUTH_VERSION

    @property
    def exercise(self) -> str:
        return self.spec["exercise"]

    @property
    def duration_s(self) -> float:
        return len(self.frames) / self.fps

    # -- numpy accessors -------------------------------------------------------------
    def times(self) -> np.ndarray:
        return np.array([f.t for f in self.frames])

    def phases(self) -> list[str]:
        return [f.phase for f in self.frames]

    def metric(self, name: str) -> np.ndarray:
        """(N,) one truth metric over the clip, e.g. ``metric("pelvic_drop_deg")``."""
        return np.array([f.metrics[name] for f in self.frames])

    def primary_angle(self) -> np.ndarray:
        return self.metric("primary_angle_deg")

    def pelvis_tilt(self) -> np.ndarray:
        return self.metric("pelvis_tilt_deg")

    def landmarks_2d(self) -> np.ndarray:
        """(N, 33, 2) normalised image coordinates."""
        return np.stack([f.landmarks_2d for f in self.frames])

    def landmarks_3d(self) -> np.ndarray:
        """(N, 33, 3) world metres, Z up."""
        return np.stack([f.landmarks_3d for f in self.frames])

    def visible_2d(self) -> np.ndarray:
        """(N, 33) bool."""
        return np.stack([f.visible_2d for f in self.frames])

    def world_in_camera_axes(self) -> np.ndarray:
        """(N, 33, 3) metres in MediaPipe's world axes: origin at the mid-hip, x to the image
        right, y image down, z away from the camera (larger = farther). The unshaken camera
        sets the axes, so they stay fixed over the clip."""
        rot = np.array(self.camera["rotation"])
        lm = self.landmarks_3d()
        mid_hip = 0.5 * (lm[:, Landmark.LEFT_HIP] + lm[:, Landmark.RIGHT_HIP])
        return (lm - mid_hip[:, None, :]) @ rot.T

    def to_pose_frames(self) -> list[PoseFrame]:
        """Exact landmarks as the pose stage would report them, to feed an analyzer.

        landmarks[:, 0:2]: the true normalised image position.
        landmarks[:, 2]: MediaPipe-style relative depth, (depth - mid-hip depth) * focal /
            (mid-hip depth * image width), i.e. in the same scale as x, smaller = nearer.
        visibility: 1.0 seen, 0.3 hidden behind the body, 0.0 out of frame.
        presence: 1.0 in frame, 0.0 out of frame.
        world: see ``world_in_camera_axes``.
        """
        w, h = self.image_size
        focal = float(self.camera["focal_px"])
        world = self.world_in_camera_axes().astype(np.float32)
        out = []
        for i, f in enumerate(self.frames):
            xy = f.landmarks_2d
            in_frame = (xy[:, 0] >= 0) & (xy[:, 0] <= 1) & (xy[:, 1] >= 0) & (xy[:, 1] <= 1)
            mid_depth = 0.5 * (f.depth_m[Landmark.LEFT_HIP] + f.depth_m[Landmark.RIGHT_HIP])
            z = (f.depth_m - mid_depth) * focal / (max(mid_depth, 1e-6) * w)
            vis = np.where(in_frame, np.where(f.visible_2d, VISIBLE, OCCLUDED), OUT_OF_FRAME)
            lm = np.column_stack([xy, z, vis, in_frame.astype(float)]).astype(np.float32)
            out.append(PoseFrame(timestamp_s=f.t, image_size=(w, h), landmarks=lm, world=world[i], num_people=1))
        return out

    # -- files -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "spec": self.spec,
            "fps": self.fps,
            "image_size": list(self.image_size),
            "camera": self.camera,
            "reps": [r.to_dict() for r in self.reps],
            "frames": [f.to_dict() for f in self.frames],
        }

    def save(self, path: str | Path) -> Path:
        return save_compact_json(self.to_dict(), path)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClipTruth:
        return cls(
            spec=d["spec"],
            fps=float(d["fps"]),
            image_size=(int(d["image_size"][0]), int(d["image_size"][1])),
            camera=d["camera"],
            frames=[FrameTruth.from_dict(f) for f in d["frames"]],
            reps=[RepTruth.from_dict(r) for r in d["reps"]],
            version=int(d.get("version", TRUTH_VERSION)),
        )

    @classmethod
    def load(cls, path: str | Path) -> ClipTruth:
        return cls.from_dict(json.loads(Path(path).read_text()))


def truth_path_for(video_path: str | Path) -> Path:
    """``clip.mp4`` -> ``clip.truth.json``."""
    p = Path(video_path)
    return p.with_name(p.stem + ".truth.json")
