"""Pinhole camera, and where each named view puts it relative to the patient's body.

Views are defined per exercise relative to the body at rest, in words a patient would use
when propping up a phone (all cameras are level with or above the floor, aimed at the body).
These are the renderer's placement names, not the analyzer's view names: the bridge's
``front`` below is classified ``side`` by the analyzer, for example (docs/design.md, "View
names", has the whole table):

bridge (lying on the back)
  side     beside the patient, on the ``side`` side, at right angles to the body, lens 0.45 m up
  feet     at the feet end, high (1.6 m, a tall tripod or shelf), looking down along the body
  front    beside the patient on the ``side`` side but high (1.6 m), looking down on the body's front
  back     at the head end, high (1.4 m), looking down along the body toward the feet
  oblique  45 deg between side and feet, lens 1.2 m up, looking down across the body
clamshell (lying on the side, working leg on top)
  front    facing the patient's front but raised (1.4 m, a shelf or tall tripod), looking down
           at the top (working) hip and knee: the knee's arc is seen broadside
  floor    facing the patient's front from a phone on the floor (0.25 m): the top knee swings
           towards this camera, so the last part of the opening barely moves in the image
  back     facing the patient's back, phone on the floor (0.15 m)
  oblique  45 deg between front and feet, 0.30 m up
  feet     at the feet end, high (2.0 m, top of a shelf), looking down along the body
fire hydrant (on hands and knees)
  back     behind the patient (feet end), lens 1.2 m up (chest-high tripod) looking down at the back
  side     beside the patient on the working ``side``, 0.6 m up
  front    ahead of the patient (head end), high (1.8 m), looking down along the back
  oblique  45 deg between back and the working side, 0.6 m up
  feet     behind the patient like back, higher (1.4 m), looking down along the back

Low cameras at the feet or head end of a lying body see little but knees or a skull; the
pose model cannot find a person there, so those views sit higher and look down.
The horizontal distance is chosen so the whole movement fits in the frame with a margin,
unless the spec sets ``camera_distance_m``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.synth.body import Skeleton
from formcheck.synth.geometry import UP, rotation, unit


@dataclass(frozen=True)
class Camera:
    """World-to-image projection. ``rotation`` rows are the camera's right, down and forward axes."""

    position: np.ndarray
    rotation: np.ndarray
    focal_px: float
    width: int
    height: int

    @property
    def center(self) -> tuple[float, float]:
        return self.width / 2.0, self.height / 2.0

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) world -> camera coordinates (x right, y down, z forward = depth)."""
        return (np.asarray(points) - self.position) @ self.rotation.T

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(..., 3) world points -> ((..., 2) pixel coordinates, (...,) depth in metres).

        Pixel coordinates are continuous with pixel (i, j) covering [i, i+1) x [j, j+1), so
        ``xy / (width, height)`` is MediaPipe's normalised image coordinate.
        """
        c = self.to_camera(points)
        z = c[..., 2]
        safe = np.where(np.abs(z) < 1e-6, 1e-6, z)
        cx, cy = self.center
        uv = np.stack([cx + self.focal_px * c[..., 0] / safe, cy + self.focal_px * c[..., 1] / safe], axis=-1)
        return uv, z

    def to_dict(self) -> dict:
        return {
            "position": self.position.tolist(),
            "rotation": self.rotation.tolist(),
            "focal_px": self.focal_px,
            "width": self.width,
            "height": self.height,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Camera:
        return cls(
            np.array(d["position"]), np.array(d["rotation"]), float(d["focal_px"]), int(d["width"]), int(d["height"])
        )


def look_at(eye: np.ndarray, target: np.ndarray, focal_px: float, width: int, height: int) -> Camera:
    forward = unit(target - eye)
    right = unit(np.cross(forward, UP))
    if np.linalg.norm(right) < 1e-6:  # looking straight down: pick any right
        right = np.array([0.0, -1.0, 0.0])
    down = np.cross(forward, right)
    return Camera(np.asarray(eye, dtype=float), np.stack([right, down, forward]), focal_px, width, height)


def _horizontal(v: np.ndarray) -> np.ndarray:
    return unit(np.array([v[0], v[1], 0.0]))


def view_direction(exercise: str, view: str, side: str, rest: Skeleton) -> tuple[np.ndarray, float]:
    """(horizontal unit vector from the body toward the camera, default lens height in metres)."""
    head = _horizontal(rest.mid("shoulder") - rest.mid("hip"))
    s, o = ("l", "r") if side == "left" else ("r", "l")
    lateral = _horizontal(rest[f"{s}_hip"] - rest[f"{o}_hip"])  # toward the patient's ``side``
    anterior = _horizontal(rest.frames["pelvis"][:, 0])
    table = {
        "bridge": {
            "side": (lateral, 0.45),
            "feet": (-head, 1.60),
            "front": (lateral, 1.60),
            "back": (head, 1.40),
            "oblique": (unit(lateral - head), 1.20),
        },
        "clamshell": {
            "front": (anterior, 1.40),
            "floor": (anterior, 0.25),
            "back": (-anterior, 0.15),
            "oblique": (unit(anterior - head), 0.30),
            "feet": (-head, 2.00),
        },
        "fire_hydrant": {
            "back": (-head, 1.20),
            "side": (lateral, 0.60),
            "front": (head, 1.80),
            "oblique": (unit(lateral - head), 0.60),
            "feet": (-head, 1.40),
        },
    }
    return table[exercise][view]


def focal_from_fov(width: int, fov_deg: float) -> float:
    return (width / 2.0) / math.tan(math.radians(fov_deg) / 2.0)


def frame_body(
    points: np.ndarray,
    direction: np.ndarray,
    height_m: float,
    focal_px: float,
    width: int,
    height: int,
    distance_m: float | None = None,
    margin: float = 0.10,
    fit: bool = False,
) -> Camera:
    """A camera ``direction`` from the body at lens height ``height_m`` that keeps all
    ``points`` (N, 3) inside the frame with ``margin`` (fraction of the image) on each side.

    With ``distance_m`` the camera stands exactly there, aimed at the body's centre; with
    ``fit`` as well it stands at least as far back as framing needs (and is centred)."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    base_target = 0.5 * (lo + hi)
    base_target[2] = min(max(base_target[2], 0.05), 0.6)
    aim = np.zeros(3)  # correction that centres the body in the picture

    def camera_at(d: float) -> Camera:
        eye = base_target + direction * d
        eye[2] = height_m
        return look_at(eye, base_target + aim, focal_px, width, height)

    def fits(d: float) -> bool:
        uv, z = camera_at(d).project(points)
        if np.any(z < 0.1):
            return False
        return bool(
            np.all(uv[:, 0] > margin * width)
            and np.all(uv[:, 0] < (1 - margin) * width)
            and np.all(uv[:, 1] > margin * height)
            and np.all(uv[:, 1] < (1 - margin) * height)
        )

    if distance_m is not None and not fit:
        return camera_at(distance_m)
    best = 20.0
    for _ in range(4):
        lo_d, hi_d = 0.3, 20.0
        for _ in range(30):
            mid = 0.5 * (lo_d + hi_d)
            lo_d, hi_d = (lo_d, mid) if fits(mid) else (mid, hi_d)
        best = hi_d if distance_m is None else max(hi_d, distance_m)
        cam = camera_at(best)
        uv, _ = cam.project(points)
        centre = 0.5 * (uv.min(axis=0) + uv.max(axis=0))
        ray = np.array([(centre[0] - width / 2) / focal_px, (centre[1] - height / 2) / focal_px, 1.0]) @ cam.rotation
        reach = float(np.linalg.norm(base_target + aim - cam.position))
        aim = cam.position + unit(ray) * reach - base_target
    return camera_at(best)


def shaken(camera: Camera, yaw_deg: float, pitch_deg: float) -> Camera:
    """The same camera with its aim turned slightly (hand-held or wobbly-tripod shake)."""
    right, down, _forward = camera.rotation
    r = rotation(down, math.radians(yaw_deg)) @ rotation(right, math.radians(pitch_deg))
    return Camera(camera.position, camera.rotation @ r.T, camera.focal_px, camera.width, camera.height)
