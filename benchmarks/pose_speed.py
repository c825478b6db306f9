"""How much the file pipeline costs on top of the pose model itself (the true limit).

The limit is the model alone: full model, VIDEO mode, ``num_poses=1`` (MediaPipe tracks
instead of running its detector on every frame), frames already decoded in memory. Against
it, at 480p and 720p, this prints ms/frame and the ratio for:

- ``analyze``: ``formcheck analyze`` (decode -> pose + people check in the model's own
  process -> analysis -> result);
- ``analyze+annot``: the same with ``--annotated`` (one decode; each frame drawn and encoded as
  H.264 while the model runs, the final result's reps and holds written as captions);
- ``peer``: a naive peer loop: OpenCV read -> detect (same model, num_poses=1) -> draw the
  skeleton -> OpenCV ``mp4v`` write;
- ``model np=2``: the model alone with two poses, formcheck's old setting, for reference.

Paths are timed end to end (model loading included); the model alone excludes it. The pose
model's process (formcheck/pose_worker.py) is started once before timing, as a program does. Every
variant runs once per repeat, interleaved, and the median is reported. Wall time is what a
user waits for; CPU time (all threads) is the work done. On a machine shared with other jobs,
wall ratios are unreliable (a process with more threads gets a bigger share of a loaded CPU),
so both are printed. Clips: by default a sample video, letterboxed and re-encoded to 854x480
and 1280x720 in a temporary folder.

    python benchmarks/pose_speed.py [--repeats 3] [--num-poses 1] [--sample bridge_clean_side]
                                    [--video CLIP --exercise bridge]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from formcheck.annotate import draw_skeleton  # noqa: E402
from formcheck.clip_analysis import analyze_clip  # noqa: E402
from formcheck.pose import PoseEstimator, PoseSettings  # noqa: E402
from formcheck.pose_worker import PoseWorker  # noqa: E402
from formcheck.video_io import VideoWriter, probe, read_frames  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"
ALONE = PoseSettings(num_poses=1, people_check_every=0)


def letterbox_clip(source: Path, out: Path, width: int, height: int) -> Path:
    """The source scaled to ``height`` rows and centred on a ``width`` x ``height`` canvas, H.264."""
    with VideoWriter(out, fps=probe(source).fps or 30.0) as writer:
        for frame in read_frames(source):
            image = frame.image
            scale = height / image.shape[0]
            image = cv2.resize(image, (round(image.shape[1] * scale), height), interpolation=cv2.INTER_LINEAR)
            canvas = np.empty((height, width, 3), np.uint8)
            canvas[:] = image[:, :2].reshape(-1, 3).mean(axis=0).astype(np.uint8)  # the source's edge colour
            x = max(0, (width - image.shape[1]) // 2)
            canvas[:, x : x + min(width, image.shape[1])] = image[:, :width]
            writer.write(canvas)
    return out


def cpu_s() -> float:
    """CPU seconds of this process, its finished children, and its live ones (the pose model's)."""
    t = os.times()
    live = 0.0
    for path in Path("/proc/self/task").glob("*/children"):
        for pid in path.read_text().split():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                live += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return t.user + t.system + t.children_user + t.children_system + live


Timing = tuple[float, float]  # wall, cpu: ms per frame


def timed(run: Callable[[], int]) -> Timing:
    wall, cpu = time.perf_counter(), cpu_s()
    frames = run()
    return (time.perf_counter() - wall) * 1000 / frames, (cpu_s() - cpu) * 1000 / frames


def model_alone(images: list[tuple[np.ndarray, float]], settings: PoseSettings) -> Timing:
    with PoseEstimator(settings) as estimator:
        estimator.process(images[0][0], 0.0)  # warm-up, outside the timing

        def run() -> int:
            for image, t in images[1:]:
                estimator.process(image, t + 1.0)
            return len(images) - 1

        return timed(run)


SETTINGS: PoseSettings | None = None  # formcheck's pose settings for the analyze paths (None: its defaults)


def analyze(clip: Path, exercise: str, annotated: Path | None) -> Timing:
    return timed(lambda: len(analyze_clip(clip, exercise, annotated_path=annotated, settings=SETTINGS).states))


def peer_loop(clip: Path, out: Path) -> Timing:
    """What a first script does: OpenCV read -> detect -> draw -> mp4v write, all on one thread."""

    def run() -> int:
        capture = cv2.VideoCapture(str(clip))
        fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
        writer: cv2.VideoWriter | None = None
        frames = 0
        with PoseEstimator(ALONE) as estimator:
            while True:
                ok, bgr = capture.read()
                if not ok:
                    break
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                pose = estimator.process(rgb, frames / fps)
                drawn = cv2.cvtColor(draw_skeleton(rgb, pose), cv2.COLOR_RGB2BGR)
                if writer is None:
                    size = (drawn.shape[1], drawn.shape[0])
                    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
                writer.write(drawn)
                frames += 1
        capture.release()
        if writer is not None:
            writer.release()
        return frames

    return timed(run)


NAMES = ["model np=1", "analyze", "analyze+annot", "peer", "model np=2"]


def load_ms() -> float:
    """Loading formcheck's pose estimator (tracker + people check): paid once per clip by the paths."""
    start = time.perf_counter()
    with PoseEstimator():
        pass
    return (time.perf_counter() - start) * 1000


def measure_clip(clip: Path, exercise: str, repeats: int, tmp_dir: Path) -> tuple[int, dict[str, list[Timing]]]:
    """Every variant ``repeats`` times, interleaved (reversed order on odd repeats)."""
    images = [(f.image, f.timestamp_s) for f in read_frames(clip)]
    measure = {
        "model np=1": lambda: model_alone(images, ALONE),
        "analyze": lambda: analyze(clip, exercise, None),
        "analyze+annot": lambda: analyze(clip, exercise, tmp_dir / "annotated.mp4"),
        "peer": lambda: peer_loop(clip, tmp_dir / "peer.mp4"),
        "model np=2": lambda: model_alone(images, PoseSettings(num_poses=2)),
    }
    runs: dict[str, list[Timing]] = {n: [] for n in NAMES}
    for repeat in range(repeats):
        for name in NAMES if repeat % 2 == 0 else NAMES[::-1]:
            runs[name].append(measure[name]())
    return len(images), runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample", default="bridge_clean_side", help="sample video to scale (sample_videos/NAME.mp4)")
    parser.add_argument("--video", type=Path, nargs="*", help="measure these clips as they are instead")
    parser.add_argument("--exercise", default=None, help="exercise the clips show (default: from the sample's name)")
    parser.add_argument("--num-poses", type=int, default=None, help="formcheck's num_poses (default: its own)")
    args = parser.parse_args()
    global SETTINGS
    SETTINGS = PoseSettings(num_poses=args.num_poses) if args.num_poses else None
    exercise = args.exercise or next(e for e in ("bridge", "clamshell", "fire_hydrant") if args.sample.startswith(e))
    # A program starts the pose model's process once (the CLI while it loads its own code, the
    # app when a clip is chosen): start it here before timing, as importing MediaPipe is.
    with PoseWorker():
        pass
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start")
    print(f"{'clip':>9} {'frames':>6} | " + " | ".join(f"{n:>20}" for n in NAMES))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        source = SAMPLES / f"{args.sample}.mp4"
        clips = args.video or [
            letterbox_clip(source, tmp_dir / f"{h}p.mp4", w, h) for w, h in ((854, 480), (1280, 720))
        ]
        for clip in clips:
            info = probe(clip)
            frames, runs = measure_clip(clip, exercise, args.repeats, tmp_dir)
            wall = {n: statistics.median(r[0] for r in runs[n]) for n in NAMES}
            cpu = {n: statistics.median(r[1] for r in runs[n]) for n in NAMES}
            size = f"{info.width}x{info.height}"
            base_w, base_c = wall["model np=1"], cpu["model np=1"]
            walls = " | ".join(f"wall {wall[n]:5.1f}ms {wall[n] / base_w:4.2f}x" for n in NAMES)
            print(f"{size:>9} {frames:>6} | {walls}")
            print(f"{'':>9} {'':>6} | " + " | ".join(f" cpu {cpu[n]:5.1f}ms {cpu[n] / base_c:4.2f}x" for n in NAMES))
            load = statistics.median(load_ms() for _ in range(3))
            print(f"{'':>9} {'':>6} | loading the estimator: {load:.0f} ms, {load / frames:.2f} ms/frame of this clip")
            # The per-frame cost, as a longer clip would see it: the paths pay the loading once.
            marginal = " | ".join(
                f"{n} {(wall[n] - load / frames) / base_w:4.2f}x" for n in ("analyze", "analyze+annot")
            )
            print(f"{'':>9} {'':>6} | without the loading (wall): {marginal}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print(
        f"ms per frame, median of {args.repeats} interleaved runs; ratio = path / model np=1 alone "
        "(targets: analyze <= 1.10x, analyze+annot <= 1.25x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
