"""Live coaching speed: the webcam callback (pose + analysis + overlay) against the pose model alone.

Frames of a bundled clip are decoded into memory first (640x480, like the app's webcam request),
then fed one at a time, in one run, to:

- the pose model alone (MediaPipe, the app's live settings);
- ``LiveCoach.process``: pose, the streaming analyzer, the cues and the overlay drawing.

Prints frames per second and per-frame latency (p50, p95) for both, and their ratio. Speed is
printed, never asserted: the machine is shared and noisy, so compare the two lines of one run.

    python benchmarks/live_fps.py [--clip sample_videos/clamshell_clean_front.mp4] [--frames 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formcheck.analysis import Analyzer  # noqa: E402
from formcheck.analysis.overlay import draw_state  # noqa: E402
from formcheck.live import LIVE_POSE_SETTINGS, LiveCoach  # noqa: E402
from formcheck.pose import PoseEstimator, PoseSettings  # noqa: E402
from formcheck.video_io import read_frames  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def load(clip: Path, frames: int, size: tuple[int, int]) -> list[np.ndarray]:
    images = [cv2.resize(f.image, size, interpolation=cv2.INTER_AREA) for f in read_frames(clip)]
    while len(images) < frames:  # loop the clip, as the browser's fake camera does
        images += images
    return images[:frames]


def timed(step, images: list[np.ndarray], fps: float) -> np.ndarray:
    """Per-frame seconds of ``step(image, t)``, frames stamped as a ``fps`` camera would."""
    out = np.empty(len(images))
    for i, image in enumerate(images):
        start = time.perf_counter()
        step(image, i / fps)
        out[i] = time.perf_counter() - start
    return out


def line(name: str, seconds: np.ndarray, reference: np.ndarray | None = None) -> str:
    warm = seconds[10:]  # the first frames load the model's kernels
    text = (
        f"{name:34} {1 / warm.mean():6.1f} fps   p50 {np.median(warm) * 1000:6.1f} ms   "
        f"p95 {np.percentile(warm, 95) * 1000:6.1f} ms"
    )
    if reference is not None:
        text += f"   {warm.mean() / reference[10:].mean():.2f}x the model"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clip", type=Path, default=ROOT / "sample_videos" / "clamshell_clean_front.mp4")
    parser.add_argument("--exercise", default="clamshell")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--num-poses", type=int, default=None, help="override the app's pose setting (1 = tracking)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    images = load(args.clip, args.frames, (width, height))
    settings = LIVE_POSE_SETTINGS
    if args.num_poses is not None:
        settings = PoseSettings(mode="live", num_poses=args.num_poses)

    with PoseEstimator(settings) as estimator:
        model = timed(lambda image, t: estimator.process(image, t), images, 30.0)

    coach = LiveCoach(Analyzer(args.exercise, live=True), draw_state, settings)
    try:
        callback = timed(lambda image, t: coach.process(image, timestamp_s=t), images, 30.0)
    finally:
        coach.finish()

    print(
        f"{len(images)} frames of {args.clip.name} at {width}x{height}, num_poses={settings.num_poses}, "
        "one run, frames in memory"
    )
    print(line("pose model alone", model))
    print(line("live callback (pose+analysis+draw)", callback, model))
    print(f"added by analysis and drawing: {(callback[10:].mean() - model[10:].mean()) * 1000:.1f} ms/frame")


if __name__ == "__main__":
    main()
