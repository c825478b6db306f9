"""Live coaching speed: the webcam callback (pose + analysis + overlay) against the pose model alone.

Frames of a bundled clip are decoded into memory first (640x480, like the app's webcam request),
then fed one at a time, in one run, to:

- the pose model alone (MediaPipe, the app's live settings);
- ``LiveCoach.process``: pose, the streaming analyzer, the cues and the overlay drawing.

Prints, for both, frames per second with frames fed back to back (the throughput) and their
ratio; then the latency a patient sees, with frames fed at a real camera's 30 fps: from a
frame's arrival until it comes back annotated (p50, p95). The callback returns each frame one
call later (``LiveCoach.DELAY_FRAMES``), so its latency includes one camera interval. Speed is
printed, never asserted: the machine is shared and noisy, so compare the lines of one run.

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


def paced_latency(step, images: list[np.ndarray], fps: float, delay_frames: int) -> np.ndarray:
    """Seconds from each frame's arrival, at ``fps``, until ``step`` hands it back annotated."""
    start = time.perf_counter()
    arrivals = start + np.arange(len(images)) / fps
    returned = np.empty(len(images))
    for i, image in enumerate(images):
        time.sleep(max(0.0, arrivals[i] - time.perf_counter()))  # a slow frame makes the next late
        arrivals[i] = max(arrivals[i], time.perf_counter())
        step(image, i / fps)
        returned[i] = time.perf_counter()
    # Frame i comes back from call i + delay_frames.
    return returned[delay_frames:] - arrivals[: len(images) - delay_frames]


def latency_line(name: str, seconds: np.ndarray) -> str:
    warm = seconds[10:]
    return f"{name:34} latency p50 {np.median(warm) * 1000:6.1f} ms   p95 {np.percentile(warm, 95) * 1000:6.1f} ms"


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
    with PoseEstimator(settings) as estimator:
        model_latency = paced_latency(lambda image, t: estimator.process(image, t), images, 30.0, 0)

    def callback_run(measure):
        coach = LiveCoach(Analyzer(args.exercise, live=True), draw_state, settings)
        try:
            return measure(lambda image, t: coach.process(image, timestamp_s=t))
        finally:
            coach.finish()

    callback = callback_run(lambda step: timed(step, images, 30.0))
    callback_latency = callback_run(lambda step: paced_latency(step, images, 30.0, LiveCoach.DELAY_FRAMES))

    print(
        f"{len(images)} frames of {args.clip.name} at {width}x{height}, num_poses={settings.num_poses}, "
        "one run, frames in memory"
    )
    print("back to back (throughput):")
    print(line("pose model alone", model))
    print(line("live callback (pose+analysis+draw)", callback, model))
    print(f"added by analysis and drawing: {(callback[10:].mean() - model[10:].mean()) * 1000:.1f} ms/frame")
    print("at a 30 fps camera, arrival to annotated frame:")
    print(latency_line("pose model alone", model_latency))
    print(latency_line("live callback", callback_latency))
    added = np.median(callback_latency[10:]) - np.median(model_latency[10:])
    print(f"added latency (p50): {added * 1000:.1f} ms")


if __name__ == "__main__":
    main()
