"""From a spec to a clip: simulate the kinematics, then (optionally) render the video.

``simulate`` needs no pixels, so analyzer tests can use exact landmarks; ``render_clip``
draws the same frames and writes the H.264 MP4 next to its truth JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.landmarks import NUM_LANDMARKS
from formcheck.synth.body import Body, Skeleton, landmarks_3d
from formcheck.synth.camera import Camera, focal_from_fov, frame_body, shaken, view_direction
from formcheck.synth.geometry import UP, rotation
from formcheck.synth.metrics import truth_metrics
from formcheck.synth.motion import plan_reps, state_at
from formcheck.synth.poses import pose
from formcheck.synth.spec import SynthSpec
from formcheck.synth.truth import ClipTruth, FrameTruth, RepTruth, truth_path_for


@dataclass
class Scene:
    """Everything needed to draw the clip: the body, its pose and the camera in every frame."""

    spec: SynthSpec
    body: Body
    skeletons: list[Skeleton]
    cameras: list[Camera]  # per frame (shaken)
    truth: ClipTruth
    base_camera: Camera | None = None  # the steady camera the shaken ones turn away from


def _shake_offsets(spec: SynthSpec, n: int) -> np.ndarray:
    """(n, 2) smooth yaw/pitch wobble in degrees with standard deviation ``shake_deg``."""
    if spec.shake_deg <= 0:
        return np.zeros((n, 2))
    rng = np.random.default_rng(spec.seed + 7919)
    t = np.arange(n) / spec.fps
    out = np.zeros((n, 2))
    for axis in range(2):
        for freq in (0.3, 0.7, 1.6):
            out[:, axis] += np.sin(2 * math.pi * (freq * rng.uniform(0.8, 1.2) * t + rng.uniform()))
    out /= out.std(axis=0, keepdims=True) + 1e-9
    return out * spec.shake_deg


def build_scene(
    spec: SynthSpec, visibility: Callable[[Skeleton, Body, Camera, np.ndarray], np.ndarray] | None = None
) -> Scene:
    """Pose every frame, place the camera, and compute the truth."""
    body = Body(
        spec.height_m,
        spec.build,
        trunk_scale=spec.trunk_scale,
        thigh_scale=spec.thigh_scale,
        shank_scale=spec.shank_scale,
        arm_scale=spec.arm_scale,
        hip_width_m=spec.hip_width_m,
        girth=spec.girth,
    )
    reps, duration = plan_reps(spec)
    times = np.arange(int(math.floor(duration * spec.fps + 1e-9)) + 1) / spec.fps
    states = [state_at(float(t), reps) for t in times]
    skeletons = [pose(spec.exercise, spec.side, body, s.progress, s.rep) for s in states]
    lms = np.stack([landmarks_3d(s, body) for s in skeletons])
    rest_skel = pose(spec.exercise, spec.side, body, 0.0, None)
    rest = landmarks_3d(rest_skel, body)

    direction, lens_height = view_direction(spec.exercise, spec.view, spec.side, rest_skel)
    if spec.camera_azimuth_deg:
        direction = rotation(UP, math.radians(spec.camera_azimuth_deg)) @ direction
    if spec.camera_height_m is not None:
        lens_height = spec.camera_height_m
    focal = focal_from_fov(spec.width, spec.fov_deg)
    # Frame the landmarks plus the head's top and a little body thickness.
    pad = np.concatenate([lms.reshape(-1, 3), lms.reshape(-1, 3) + np.array([0, 0, 0.08])])
    base = frame_body(
        pad, direction, lens_height, focal, spec.width, spec.height, spec.camera_distance_m, fit=spec.camera_fit
    )
    shake = _shake_offsets(spec, len(times))
    cameras = [shaken(base, yaw, pitch) if spec.shake_deg > 0 else base for yaw, pitch in shake]

    frames: list[FrameTruth] = []
    for i, (t, state, skel, lm, cam) in enumerate(zip(times, states, skeletons, lms, cameras, strict=True)):
        uv, depth = cam.project(lm)
        xy = uv / np.array([spec.width, spec.height])
        in_frame = (xy[:, 0] >= 0) & (xy[:, 0] <= 1) & (xy[:, 1] >= 0) & (xy[:, 1] <= 1) & (depth > 0)
        seen = visibility(skel, body, cam, lm) if visibility is not None else np.ones(NUM_LANDMARKS, dtype=bool)
        frames.append(
            FrameTruth(
                index=i,
                t=float(t),
                phase=state.phase,
                rep=state.rep.index if state.rep else None,
                metrics=truth_metrics(spec.exercise, lm, rest, spec.side),
                landmarks_2d=xy,
                landmarks_3d=lm,
                depth_m=depth,
                visible_2d=in_frame & seen,
            )
        )

    primary = np.array([f.metrics["primary_angle_deg"] for f in frames])
    rep_truths = []
    for rep in reps:
        in_rep = (times >= rep.start_s) & (times <= rep.end_s)
        rep_truths.append(
            RepTruth(
                index=rep.index,
                side="both" if spec.exercise == "bridge" else spec.side,
                start_s=rep.start_s,
                top_s=rep.top_s,
                end_s=rep.end_s,
                hold_s=rep.hold_s,
                peak_angle_deg=float(primary[in_rep].max()) if in_rep.any() else float("nan"),
                faults=dict(rep.faults),
            )
        )
    truth = ClipTruth(
        spec=spec.to_dict(),
        fps=spec.fps,
        image_size=(spec.width, spec.height),
        camera=base.to_dict(),
        frames=frames,
        reps=rep_truths,
    )
    return Scene(spec, body, skeletons, cameras, truth, base)


def simulate(spec: SynthSpec) -> ClipTruth:
    """The clip's truth without rendering: landmarks (2D and 3D), phases, metrics, reps.

    ``visible_2d`` accounts for occlusion by the body (same ray casting as the renderer).
    """
    from formcheck.synth.render import landmark_visibility

    return build_scene(spec, landmark_visibility).truth


def render_clip(
    spec: SynthSpec,
    out_path: str | Path,
    progress: Callable[[int, int], None] | None = None,
) -> ClipTruth:
    """Render ``spec`` to ``out_path`` (H.264 MP4) and write ``<stem>.truth.json`` beside it.

    ``progress(done, total)`` is called after each frame (the CLI drives a progress bar with it).
    """
    from formcheck.synth.render import landmark_visibility, render_scene_to_file

    scene = build_scene(spec, landmark_visibility)
    render_scene_to_file(scene, out_path, progress)
    scene.truth.save(truth_path_for(out_path))
    return scene.truth
