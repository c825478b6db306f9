"""One frame's landmarks as geometry: image pixels, world metres, and the body's own axes.

Every exercise metric is computed from a ``Body``. Roles such as "the top leg" or "the working
leg" are decided from geometry, never from MediaPipe's left/right labels alone, because the
model swaps the leg labels in about half the frames of a lying or side-view figure
(docs/design.md §4). The body's axes (head-ward, front-ward, patient's left) come from the torso
and from the exercise's known orientation to the floor, which makes them label-free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from formcheck.analysis.geometry import reject, unit
from formcheck.landmarks import side_landmark
from formcheck.pose_types import PRESENCE, VISIBILITY, PoseFrame

# MediaPipe world axes: x to the image right, y down, z away from the camera (right-handed).
WORLD_UP = np.array([0.0, -1.0, 0.0])
CAMERA_DIRECTION = np.array([0.0, 0.0, 1.0])  # where the camera looks, in world axes
SIDES = ("left", "right")


@dataclass(frozen=True)
class Axes:
    """Unit vectors in world axes: towards the head, the front, the patient's left, and up
    (the floor's normal, estimated from the body's floor contacts, not the camera's axes)."""

    cranial: np.ndarray
    anterior: np.ndarray
    left: np.ndarray
    up: np.ndarray
    floor_rms_m: float = float("nan")  # how far this frame's floor contacts are from one plane


@dataclass(frozen=True)
class Body:
    """Landmarks of one detected person: 2D pixels (aspect-correct), 3D metres, visibility."""

    t: float
    img: np.ndarray  # (33, 2) pixels
    world: np.ndarray  # (33, 3) metres
    vis: np.ndarray  # (33,) min(visibility, presence)
    image_size: tuple[int, int]
    presence: np.ndarray | None = None  # (33,) the model's "this landmark is in the picture"

    @classmethod
    def from_frame(cls, frame: PoseFrame) -> Body:
        if frame.landmarks is None or frame.world is None:
            raise ValueError("no person in this frame")
        lm = frame.landmarks.astype(float)
        vis = np.minimum(lm[:, VISIBILITY], lm[:, PRESENCE])
        return cls(
            frame.timestamp_s,
            frame.pixels().astype(float),
            frame.world.astype(float),
            vis,
            frame.image_size,
            lm[:, PRESENCE],
        )

    # -- points ------------------------------------------------------------------------------
    def j2(self, side: str, joint: str) -> np.ndarray:
        return self.img[int(side_landmark(side, joint))]

    def j3(self, side: str, joint: str) -> np.ndarray:
        return self.world[int(side_landmark(side, joint))]

    def mid2(self, joint: str) -> np.ndarray:
        return 0.5 * (self.j2("left", joint) + self.j2("right", joint))

    def mid3(self, joint: str) -> np.ndarray:
        return 0.5 * (self.j3("left", joint) + self.j3("right", joint))

    def joint_presence(self, joint: str) -> float:
        """How sure the model is that the joint is in the picture at all (hidden behind the body
        counts as present: lying poses hide a hip or a shoulder in most views)."""
        src = self.presence if self.presence is not None else self.vis
        return float(max(src[int(side_landmark(s, joint))] for s in SIDES))

    def joint_in_frame(self, joint: str, margin: float = 0.0) -> bool:
        """True when at least one side's landmark lies inside the image."""
        w, h = self.image_size
        for s in SIDES:
            x, y = self.j2(s, joint)
            if -margin * w <= x <= (1 + margin) * w and -margin * h <= y <= (1 + margin) * h:
                return True
        return False

    # -- scale -------------------------------------------------------------------------------
    def axes(
        self, anterior_hint: Callable[[Body, np.ndarray, np.ndarray], np.ndarray], up: np.ndarray, floor_rms_m: float
    ) -> Axes:
        """Body axes from the torso (label-free), the floor normal and the exercise's idea of
        where the front is."""
        cranial = unit(self.mid3("shoulder") - self.mid3("hip"))
        anterior = unit(reject(anterior_hint(self, cranial, up), cranial))
        left = unit(np.cross(cranial, anterior))
        return Axes(cranial, anterior, left, up, floor_rms_m)


def anterior_up(body: Body, cranial: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Lying on the back: the front faces the ceiling."""
    return up


def anterior_down(body: Body, cranial: np.ndarray, up: np.ndarray) -> np.ndarray:
    """On hands and knees: the front faces the floor."""
    return -up


def plane_normal(points: np.ndarray) -> tuple[np.ndarray | None, float]:
    """(unit normal of the best-fit plane through (k>=3, 3) points, oriented to WORLD_UP, RMS
    distance of the points from it in metres). The normal is None when the points are collinear."""
    p = np.asarray(points, float)
    if p.shape[0] < 3 or not np.all(np.isfinite(p)):
        return None, float("nan")
    _, s, vt = np.linalg.svd(p - p.mean(axis=0))
    rms = float(s[-1] / np.sqrt(p.shape[0]))
    if s[1] < 1e-6:  # collinear
        return None, rms
    n = vt[-1]
    n = n if float(np.dot(n, WORLD_UP)) >= 0 else -n
    return n, rms


MAX_CAMERA_TILT_DEG = 65.0


class FloorTracker:
    """Running estimate of the floor's normal in world axes.

    MediaPipe's world axes follow the camera, so "up" in them is tilted by the camera's pitch
    and roll (a phone propped on a chair looks down 10-30°). The floor is fixed while the
    camera is, so the normal of the plane through the body's floor contacts (hands, knees,
    feet, shoulders, as the exercise says), averaged over the last seconds, gives true up.
    """

    def __init__(self, window_s: float = 60.0) -> None:
        # A long window: the floor does not move while the camera stands still, and a short
        # window let the estimate wander during a held lift (the lifted leg is not on the
        # floor), which made a still hold look like a slow drift of 8° on renders.
        self.window_s = window_s
        self._items: list[tuple[float, np.ndarray]] = []

    def update(self, t: float, normal: np.ndarray | None) -> np.ndarray:
        # A normal tipped further than MAX_CAMERA_TILT_DEG from the camera's up is not the floor
        # (no phone films the floor that steeply): that frame's contacts were misplaced.
        if normal is not None and float(np.dot(normal, WORLD_UP)) >= np.cos(np.radians(MAX_CAMERA_TILT_DEG)):
            self._items.append((t, normal))
        self._items = [(tt, n) for tt, n in self._items if tt >= t - self.window_s]
        if not self._items:
            return WORLD_UP.copy()
        m = np.mean([n for _, n in self._items], axis=0)
        # Assume an upright camera (no roll: phones are propped up level, and the video reader
        # has already applied the clip's rotation). The fitted plane's sideways tilt is then
        # model error, and removing it halves the error of "up" on renders (the 3D landmarks
        # of a figure seen from behind lean sideways by up to 30°); the pitch is kept.
        m = unit(np.array([0.0, m[1], m[2]]))
        return m if np.all(np.isfinite(m)) else WORLD_UP.copy()
