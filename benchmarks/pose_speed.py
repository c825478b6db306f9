"""How much the file pipeline costs on top of the pose model itself.

Prints median ms/frame at 480p and 720p for: the model alone (frames already in memory),
read → pose, and read → pose → annotated H.264 write, plus each path's ratio to the model.
The machine is noisy, so each measurement is repeated and the median run is reported.

    python benchmarks/pose_speed.py [--frames 150] [--repeats 3] [--video CLIP ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formcheck.pipeline import iter_pose, track_from_video  # noqa: E402
from formcheck.pose import PoseEstimator  # noqa: E402
from formcheck.video_io import VideoWriter, probe, read_frames  # noqa: E402
from tests.drawn_figure import draw_person  # noqa: E402


def make_clip(path: Path, height: int, frames: int) -> Path:
    """A drawn person drifting across a 16:9 frame of the given height."""
    width = (height * 16 // 9) // 2 * 2
    person = draw_person()
    scale = height * 0.9 / person.shape[0]
    person = cv2.resize(person, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    with VideoWriter(path, fps=30) as writer:
        for i in range(frames):
            canvas = np.full((height, width, 3), person[0, 0], np.uint8)
            x = int((width - person.shape[1]) * (0.2 + 0.6 * i / max(frames - 1, 1)))
            y = (height - person.shape[0]) // 2
            canvas[y : y + person.shape[0], x : x + person.shape[1]] = person
            writer.write(canvas)
    return path


def model_alone(clip: Path) -> float:
    images = [(f.image, f.timestamp_s) for f in read_frames(clip)]
    with PoseEstimator() as estimator:
        estimator.process(*images[0])  # warm-up outside the timing
        start = time.perf_counter()
        for image, t in images[1:]:
            estimator.process(image, t + 1.0)
        return (time.perf_counter() - start) * 1000 / (len(images) - 1)


def read_pose(clip: Path) -> float:
    start, count = time.perf_counter(), 0
    for _ in iter_pose(clip):
        count += 1
    return (time.perf_counter() - start) * 1000 / count


def read_pose_write(clip: Path, out_dir: Path) -> float:
    start = time.perf_counter()
    track = track_from_video(clip, out_dir / "annotated.mp4")
    return (time.perf_counter() - start) * 1000 / len(track.frames)


def median_of(repeats: int, measure) -> float:
    return statistics.median(measure() for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--video", type=Path, nargs="*", help="measure these clips instead of drawn ones")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        clips = args.video or [make_clip(tmp_dir / f"{h}p.mp4", h, args.frames) for h in (480, 720)]
        header = f"{'clip':>14} {'frames':>6} | {'model':>8} {'read+pose':>10} {'+write':>8} |"
        print(header + f" {'ratio':>6} {'ratio+w':>7}")
        for clip in clips:
            info = probe(clip)
            model = median_of(args.repeats, lambda c=clip: model_alone(c))
            path = median_of(args.repeats, lambda c=clip: read_pose(c))
            write = median_of(args.repeats, lambda c=clip: read_pose_write(c, tmp_dir))
            name = f"{info.width}x{info.height}"
            print(
                f"{name:>14} {info.frame_count or 0:>6} | {model:>6.1f}ms {path:>8.1f}ms {write:>6.1f}ms |"
                f" {path / model:>5.2f}x {write / model:>6.2f}x"
            )
    print("ms are per frame, median of repeated runs; ratio = path / model alone (target read+pose <= 1.15x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
