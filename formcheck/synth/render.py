"""A small numpy ray caster: shaded capsules and ellipsoids over a floor, with a z-buffer.

Each primitive is intersected only over its screen bounding box, so a 640x480 frame costs
a few tens of milliseconds. Shading is Lambert with a key light, a camera fill light and
ambient. The same intersection code decides which landmarks are hidden behind the body.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from formcheck.landmarks import NUM_LANDMARKS, Landmark
from formcheck.synth.body import Body, Skeleton
from formcheck.synth.camera import Camera
from formcheck.synth.shapes import Palette, Shapes, body_shapes
from formcheck.synth.spec import SynthSpec
from formcheck.video_io import VideoWriter

NEAR = 0.05


class RayGrid:
    """Per-pixel unit ray directions (world) of one camera, cached because the camera rarely moves."""

    def __init__(self, cam: Camera) -> None:
        self.cam = cam
        cx, cy = cam.center
        xs = (np.arange(cam.width) + 0.5 - cx) / cam.focal_px
        ys = (np.arange(cam.height) + 0.5 - cy) / cam.focal_px
        d_cam = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((1, 1))), axis=-1)
        norm = np.linalg.norm(d_cam, axis=-1, keepdims=True)
        self.dirs = (d_cam / norm) @ cam.rotation  # (H, W, 3) world unit directions
        self.depth_per_t = 1.0 / norm[..., 0]  # camera depth of the point at ray parameter t


# ------------------------------------------------------------------ intersections (unit rays)


def hit_capsule(
    ro: np.ndarray, rd: np.ndarray, a: np.ndarray, b: np.ndarray, r: float
) -> tuple[np.ndarray, np.ndarray]:
    """Ray parameter of the first hit (inf for a miss) and the surface normal, for rays (N, 3)."""
    ba = b - a
    oa = ro - a
    baba = float(ba @ ba)
    if baba < 1e-12:  # a sphere
        bq = rd @ oa
        cq = float(oa @ oa) - r * r
        h = bq * bq - cq
        t = np.where(h >= 0, -bq - np.sqrt(np.maximum(h, 0)), np.inf)
        t = np.where(t > NEAR, t, np.inf)
        n = (ro + np.where(np.isfinite(t), t, 0.0)[:, None] * rd - a) / r
        return t, n
    bard = rd @ ba
    baoa = float(ba @ oa)
    rdoa = rd @ oa
    oaoa = float(oa @ oa)
    qa = baba - bard * bard
    qb = baba * rdoa - baoa * bard
    qc = baba * oaoa - baoa * baoa - r * r * baba
    h = qb * qb - qa * qc
    ok = h >= 0
    sq = np.sqrt(np.maximum(h, 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (-qb - sq) / qa
    y = baoa + t * bard
    t_side = np.where(ok & (y > 0) & (y < baba), t, np.inf)
    # End caps where the cylinder part was missed.
    oc = np.where((y <= 0)[:, None], oa, ro - b)
    bq = np.einsum("ij,ij->i", rd, oc)
    cq = np.einsum("ij,ij->i", oc, oc) - r * r
    h2 = bq * bq - cq
    t_cap = np.where(ok & (h2 > 0), -bq - np.sqrt(np.maximum(h2, 0)), np.inf)
    t = np.where(np.isfinite(t_side), t_side, t_cap)
    t = np.where(t > NEAR, t, np.inf)
    tt = np.where(np.isfinite(t), t, 0.0)
    pa = ro + tt[:, None] * rd - a
    hh = np.clip((pa @ ba) / baba, 0.0, 1.0)
    n = (pa - hh[:, None] * ba) / r
    return t, n


def hit_ellipsoid(ro: np.ndarray, rd: np.ndarray, c: np.ndarray, axes: np.ndarray, radii: np.ndarray):
    o = ((ro - c) @ axes) / radii
    d = (rd @ axes) / radii
    qa = np.einsum("ij,ij->i", d, d)
    qb = d @ o
    qc = float(o @ o) - 1.0
    h = qb * qb - qa * qc
    t = np.where(h >= 0, (-qb - np.sqrt(np.maximum(h, 0))) / qa, np.inf)
    t = np.where(t > NEAR, t, np.inf)
    tt = np.where(np.isfinite(t), t, 0.0)
    local = (o + tt[:, None] * d) / radii
    n = local @ axes.T
    return t, n


def _screen_box(cam: Camera, lo: np.ndarray, hi: np.ndarray) -> tuple[int, int, int, int] | None:
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    uv, depth = cam.project(corners)
    if np.all(depth < NEAR):
        return None
    if np.any(depth < NEAR):
        return 0, cam.width, 0, cam.height
    x0, y0 = np.floor(uv.min(axis=0)).astype(int)
    x1, y1 = np.ceil(uv.max(axis=0)).astype(int) + 1
    x0, x1 = max(x0, 0), min(x1, cam.width)
    y0, y1 = max(y0, 0), min(y1, cam.height)
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, x1, y0, y1


def _primitives(shapes: Shapes):
    """Yield (kind, params, rgb, aabb_lo, aabb_hi) for every primitive."""
    for a, b, r, rgb in zip(shapes.cap_a, shapes.cap_b, shapes.cap_r, shapes.cap_rgb, strict=True):
        yield "cap", (a, b, r), rgb, np.minimum(a, b) - r, np.maximum(a, b) + r
    for c, axes, radii, rgb in zip(shapes.ell_c, shapes.ell_axes, shapes.ell_r, shapes.ell_rgb, strict=True):
        ext = np.sqrt(((axes * radii[None, :]) ** 2).sum(axis=1))
        yield "ell", (c, axes, radii), rgb, c - ext, c + ext


def _hit(kind: str, params, ro: np.ndarray, rd: np.ndarray):
    return hit_capsule(ro, rd, *params) if kind == "cap" else hit_ellipsoid(ro, rd, *params)


# ------------------------------------------------------------------ scene


class FrameRenderer:
    """Draws frames of one clip: the floor, mat and wall once per camera, then the body."""

    def __init__(self, spec: SynthSpec, mat_center: np.ndarray, mat_size: tuple[float, float], mat_axis: np.ndarray):
        self.spec = spec
        self.palette = Palette(spec.skin_rgb, spec.hair_rgb, spec.shirt_rgb, spec.pants_rgb, spec.shoe_rgb)
        self.mat_center = mat_center
        self.mat_size = mat_size
        self.mat_axis = mat_axis  # unit horizontal vector along the mat's length
        self._grid: RayGrid | None = None
        self._background: np.ndarray | None = None
        self._background_u8: np.ndarray | None = None
        self._noise_bank: np.ndarray | None = None
        self._rng = np.random.default_rng(spec.seed + 104729)

    def _grid_for(self, cam: Camera) -> RayGrid:
        if self._grid is None or self._grid.cam is not cam:
            self._grid = RayGrid(cam)
            self._background = self._draw_background(self._grid)
            self._background_u8 = cv2.GaussianBlur(
                np.clip(self._background * 255.0, 0, 255).astype(np.uint8), (3, 3), 0.6
            )
        return self._grid

    def _draw_background(self, grid: RayGrid) -> np.ndarray:
        """Floor with a mat on it, and a wall colour where rays miss the floor."""
        spec = self.spec
        ro = grid.cam.position
        d = grid.dirs
        wall = np.asarray(spec.background_rgb, float) / 255.0
        # Wall: a gentle vertical gradient so it does not look flat.
        img = np.broadcast_to(wall, d.shape).copy() * (0.92 + 0.1 * np.clip(d[..., 2:3] * 2, -1, 1))
        down = d[..., 2] < -1e-6
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(down, -ro[2] / d[..., 2], np.inf)
        p = ro + np.where(np.isfinite(t), t, 0.0)[..., None] * d
        dist = np.hypot(p[..., 0] - self.mat_center[0], p[..., 1] - self.mat_center[1])
        floor = down & (dist < 7.0)
        floor_rgb = np.asarray(spec.floor_rgb, float) / 255.0
        # Floorboards: stripes across the mat's width, slightly varied in brightness.
        across = np.array([-self.mat_axis[1], self.mat_axis[0], 0.0])
        board = np.floor((p @ across) / 0.14)
        plank = 0.93 + 0.07 * np.sin(board * 12.9898) * np.cos(board * 4.1414)
        seam = np.abs(((p @ across) / 0.14) - np.round((p @ across) / 0.14)) < 0.03
        fade = np.clip(1.0 - dist / 12.0, 0.6, 1.0)
        floor_col = floor_rgb * (plank * np.where(seam, 0.8, 1.0) * fade)[..., None]
        rel = p - self.mat_center
        along_m, across_m = rel @ self.mat_axis, rel @ across
        half_l, half_w = self.mat_size[0] / 2, self.mat_size[1] / 2
        on_mat = floor & (np.abs(along_m) < half_l) & (np.abs(across_m) < half_w)
        border = on_mat & ((np.abs(along_m) > half_l - 0.03) | (np.abs(across_m) > half_w - 0.03))
        mat = np.asarray(spec.mat_rgb, float) / 255.0
        img = np.where(floor[..., None], floor_col, img)
        img = np.where(on_mat[..., None], mat, img)
        img = np.where(border[..., None], mat * 0.8, img)
        return img

    def render(self, shapes: Shapes, cam: Camera, shadow_points: np.ndarray | None = None) -> np.ndarray:
        """(H, W, 3) uint8 RGB of the body posed by ``shapes`` seen by ``cam``.

        Only the screen region the body covers (plus its shadow) is redrawn over the cached
        background, which keeps a frame to a few tens of milliseconds.
        """
        grid = self._grid_for(cam)
        prims = []
        for kind, params, rgb, lo, hi in _primitives(shapes):
            box = _screen_box(cam, lo, hi)
            if box is not None:
                prims.append((kind, params, rgb, box))
        out = self._background_u8.copy()
        if prims:
            boxes = np.array([p[3] for p in prims])
            pad_x, pad_y = cam.width // 12, cam.height // 12  # room for the soft shadow
            x0, x1 = max(boxes[:, 0].min() - pad_x, 0), min(boxes[:, 1].max() + pad_x, cam.width)
            y0, y1 = max(boxes[:, 2].min() - pad_y, 0), min(boxes[:, 3].max() + pad_y, cam.height)
            region = self._draw_region(grid, prims, (x0, x1, y0, y1), shadow_points)
            out[y0:y1, x0:x1] = region
        if self.spec.noise > 0:
            out = self._add_noise(out)
        return out

    def _draw_region(self, grid: RayGrid, prims: list, region: tuple[int, int, int, int], shadow_points) -> np.ndarray:
        x0, x1, y0, y1 = region
        h, w = y1 - y0, x1 - x0
        img = self._background[y0:y1, x0:x1].copy()
        if shadow_points is not None:
            img = self._shadow(img, grid.dirs[y0:y1, x0:x1], grid.cam.position, shadow_points)
        zbuf = np.full((h, w), np.inf)
        normal = np.zeros((h, w, 3))
        base = np.zeros((h, w, 3))
        ro = grid.cam.position
        for kind, params, rgb, (bx0, bx1, by0, by1) in prims:
            sy, sx = slice(by0 - y0, by1 - y0), slice(bx0 - x0, bx1 - x0)
            rd = grid.dirs[by0:by1, bx0:bx1].reshape(-1, 3)
            t, n = _hit(kind, params, ro, rd)
            depth = (t * grid.depth_per_t[by0:by1, bx0:bx1].reshape(-1)).reshape(by1 - by0, bx1 - bx0)
            zb = zbuf[sy, sx]
            win = depth < zb
            if not win.any():
                continue
            zb[win] = depth[win]
            normal[sy, sx][win] = n.reshape(by1 - by0, bx1 - bx0, 3)[win]
            base[sy, sx][win] = rgb
        hit = np.isfinite(zbuf)
        n = normal[hit]
        n /= np.linalg.norm(n, axis=1, keepdims=True) + 1e-12
        view = -grid.dirs[y0:y1, x0:x1][hit]
        shade = 0.32 + 0.55 * np.clip(n @ _KEY_LIGHT, 0, None) + 0.28 * np.clip(np.einsum("ij,ij->i", n, view), 0, None)
        img[hit] = base[hit] * shade[:, None]
        region_u8 = np.clip(img * 255.0, 0, 255).astype(np.uint8)
        return cv2.GaussianBlur(region_u8, (3, 3), 0.6)

    def _add_noise(self, image: np.ndarray) -> np.ndarray:
        """Gaussian pixel noise, drawn from a small bank of pre-made noise frames (fast)."""
        if self._noise_bank is None:
            shape = (4, *image.shape)
            self._noise_bank = np.round(self._rng.normal(0.0, self.spec.noise, shape)).astype(np.int16)
        pick = self._noise_bank[self._rng.integers(len(self._noise_bank))]
        dy, dx = self._rng.integers(image.shape[0]), self._rng.integers(image.shape[1])
        pick = np.roll(pick, (dy, dx), axis=(0, 1))
        return np.clip(image.astype(np.int16) + pick, 0, 255).astype(np.uint8)

    def _shadow(self, img: np.ndarray, dirs: np.ndarray, ro: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Soft contact shadow: darken the floor under low body points (computed at 1/4 size)."""
        small = dirs[::4, ::4]
        down = small[..., 2] < -1e-6
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(down, -ro[2] / small[..., 2], 0.0)
        p = ro + t[..., None] * small
        dark = np.zeros(small.shape[:2])
        for q in points:
            sigma = 0.07 + 0.25 * q[2]
            strength = 0.45 * np.exp(-q[2] / 0.5)
            d2 = (p[..., 0] - q[0]) ** 2 + (p[..., 1] - q[1]) ** 2
            dark = np.maximum(dark, strength * np.exp(-d2 / (2 * sigma * sigma)))
        dark = np.where(down, dark, 0.0)
        dark = cv2.resize(dark, (img.shape[1], img.shape[0]), interpolation=cv2.INTER_LINEAR)
        return img * (1.0 - dark[..., None])


_KEY_LIGHT = np.array([0.35, -0.3, 1.0]) / np.linalg.norm([0.35, -0.3, 1.0])


# ------------------------------------------------------------------ visibility and files

# How deep inside the body each landmark sits: a hit closer than this in front of it hides it.
_DEPTH_TOLERANCE = np.full(NUM_LANDMARKS, 0.07)
_DEPTH_TOLERANCE[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]] = 0.13
_DEPTH_TOLERANCE[: Landmark.MOUTH_RIGHT + 1] = 0.03


def landmark_visibility(skel: Skeleton, body: Body, cam: Camera, landmarks: np.ndarray) -> np.ndarray:
    """(33,) bool: the landmark is not hidden behind another part of the body."""
    shapes = body_shapes(skel, body, Palette())
    ro = cam.position
    vec = landmarks - ro
    dist = np.linalg.norm(vec, axis=1)
    rd = vec / dist[:, None]
    nearest = np.full(NUM_LANDMARKS, np.inf)
    for kind, params, _rgb, _lo, _hi in _primitives(shapes):
        t, _ = _hit(kind, params, ro, rd)
        nearest = np.minimum(nearest, t)
    return nearest >= dist - _DEPTH_TOLERANCE


def _mat_layout(scene) -> tuple[np.ndarray, tuple[float, float], np.ndarray]:
    lm = scene.truth.landmarks_3d().reshape(-1, 3)
    rest = scene.skeletons[0]
    axis = rest.mid("shoulder") - rest.mid("hip")
    axis = np.array([axis[0], axis[1], 0.0])
    axis /= np.linalg.norm(axis) + 1e-12
    centre = 0.5 * (lm.min(axis=0) + lm.max(axis=0))
    centre[2] = 0.0
    return centre, (1.85 * scene.body.k, 0.75 * scene.body.k), axis


SHADOW_POINTS = (
    "head",
    "l_shoulder",
    "r_shoulder",
    "l_hip",
    "r_hip",
    "l_knee",
    "r_knee",
    "l_ankle",
    "r_ankle",
    "l_wrist",
    "r_wrist",
)


def render_scene_to_file(scene, out_path: str | Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Render every frame of ``scene`` (a clip.Scene) into an H.264 MP4."""
    centre, size, axis = _mat_layout(scene)
    renderer = FrameRenderer(scene.spec, centre, size, axis)
    total = len(scene.skeletons)
    with VideoWriter(out_path, scene.spec.fps) as writer:
        for i, (skel, cam) in enumerate(zip(scene.skeletons, scene.cameras, strict=True)):
            writer.write(render_skeleton(renderer, scene, skel, cam))
            if progress is not None:
                progress(i + 1, total)


def render_skeleton(renderer: FrameRenderer, scene, skel: Skeleton, cam: Camera) -> np.ndarray:
    """One frame. A shaken camera only turns, so the steady camera's picture is warped by the
    rotation's homography instead of re-casting every background ray."""
    shapes = body_shapes(skel, scene.body, renderer.palette)
    shadow = np.array([skel[name] for name in SHADOW_POINTS])
    base = scene.base_camera or cam
    image = renderer.render(shapes, base, shadow)
    if base is not cam:
        image = cv2.warpPerspective(
            image, _rotation_homography(base, cam), (cam.width, cam.height), flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT101,
        )  # fmt: skip
    return image


def _rotation_homography(src: Camera, dst: Camera) -> np.ndarray:
    """Pixel map from ``src`` to ``dst``, two cameras at the same place that differ by a rotation."""
    cx, cy = src.center
    k = np.array([[src.focal_px, 0, cx], [0, src.focal_px, cy], [0, 0, 1.0]])
    h = k @ dst.rotation @ src.rotation.T @ np.linalg.inv(k)
    shift = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])  # OpenCV pixel centres sit at integers
    return np.linalg.inv(shift) @ h @ shift


def render_frames(scene, indices: list[int] | None = None) -> list[np.ndarray]:
    """Render chosen frames of a scene to arrays (for tests and previews)."""
    centre, size, axis = _mat_layout(scene)
    renderer = FrameRenderer(scene.spec, centre, size, axis)
    idx = range(len(scene.skeletons)) if indices is None else indices
    return [render_skeleton(renderer, scene, scene.skeletons[i], scene.cameras[i]) for i in idx]
