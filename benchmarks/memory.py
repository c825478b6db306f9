"""Peak memory against clip length: does a longer clip or track cost more memory?

Builds 1-, 5- and 15-minute inputs by looping a sample video (stream copy, no re-encode)
and by repeating its pose track with shifted times, then runs each case in a fresh process
and prints its peak resident memory (RSS: the process's own plus its pose model process's)
and the ratio to the shortest input:

- ``video``: ``formcheck analyze CLIP``;
- ``video+annot``: ``formcheck analyze CLIP --annotated out.mp4``;
- ``track``: ``formcheck analyze TRACK.json``;
- ``pose``: ``formcheck pose CLIP --out track.json`` (writes a track of that length);
- ``live``: the webcam's analyzer (``Analyzer(live=True)``, as ``LiveCoach`` runs it) fed the
  track's frames one at a time, then ``finish``: the live session's own state, without the
  pose model (whose memory does not depend on the session's length).

Video cases run the pose model on every frame (about 20 ms a frame on two cores: the
15-minute clip takes ~10 minutes), so ``--minutes`` and ``--cases`` can shorten the run.

    python benchmarks/memory.py [--minutes 1 5 15] [--cases video video+annot track pose live]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import imageio_ffmpeg

ROOT = Path(__file__).resolve().parent.parent  # this checkout's formcheck is the one measured
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from formcheck.pipeline import track_from_video  # noqa: E402
from formcheck.track import Track  # noqa: E402
from formcheck.video_io import probe  # noqa: E402

SAMPLES = ROOT / "sample_videos"
CASES = ("video", "video+annot", "track", "pose", "live")


def looped_clip(source: Path, minutes: float, out: Path) -> Path:
    """``source`` played back to back for ``minutes`` (ffmpeg stream copy: no quality change)."""
    info = probe(source)
    loops = math.ceil(minutes * 60 / (info.duration_s or 1.0))
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-stream_loop", str(loops - 1)]
        + ["-i", str(source), "-t", str(minutes * 60), "-c", "copy", str(out)],
        check=True,
    )
    return out


def looped_track(track: Track, minutes: float, out: Path) -> Path:
    """``track``'s frames repeated with shifted times for ``minutes``."""
    times = [f.timestamp_s for f in track.frames]
    period = times[-1] + (times[-1] - times[0]) / max(len(times) - 1, 1)
    frames = []
    loop = 0
    while True:
        for frame in track.frames:
            t = frame.timestamp_s + loop * period
            if t >= minutes * 60:
                return replace(track, frames=frames).save(out)
            frames.append(replace(frame, timestamp_s=t))
        loop += 1


# The child reports its own high-water mark (VmHWM, fresh after exec) plus that of the pose
# model's process (formcheck/pose_worker.py), read before the child ends it. Not the parent's
# ru_maxrss of the child: Linux carries the forking parent's RSS into that.
CHILD = """
import glob, runpy, sys
out = sys.argv[1]
def high_water_kb(pid):
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1])
    return 0
def report():
    children = [int(pid) for path in glob.glob('/proc/self/task/*/children') for pid in open(path).read().split()]
    open(out, 'w').write(str(high_water_kb('self') + sum(high_water_kb(pid) for pid in children)))
sys.argv = ['formcheck', *sys.argv[2:]]
try:
    if sys.argv[1] == 'live':  # live TRACK EXERCISE: a webcam session's analyzer, frame by frame
        from formcheck.analysis.engine import Analyzer
        from formcheck.track import Track
        analyzer = Analyzer(sys.argv[3], live=True)
        for frame in Track.stream(sys.argv[2])[1]:
            analyzer.update(frame)
        analyzer.finish()
    else:
        runpy.run_module('formcheck.cli', run_name='__main__')
finally:
    report()
"""


def peak_rss_mb(args: list[str], tmp_dir: Path) -> tuple[float, float]:
    """Run ``formcheck ARGS`` in a fresh process: (its peak RSS in MB, seconds)."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    report = tmp_dir / "peak_kb.txt"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(report), *args], stdout=subprocess.DEVNULL, env=env, cwd=tmp_dir
    )
    if done.returncode not in (0, 2):  # 2: a user-facing refusal, which still measures the path
        raise RuntimeError(f"formcheck {' '.join(args)} failed ({done.returncode})")
    return int(report.read_text()) / 1024, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 5, 15])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--sample", default="bridge_clean_side", help="sample video to loop (sample_videos/NAME.mp4)")
    args = parser.parse_args()
    exercise = next(e for e in ("bridge", "clamshell", "fire_hydrant") if args.sample.startswith(e))
    source = SAMPLES / f"{args.sample}.mp4"
    rows: dict[str, list[tuple[float, float, float]]] = {case: [] for case in args.cases}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        base_track = track_from_video(source) if {"track", "live"} & set(args.cases) else None
        for minutes in args.minutes:
            video_cases = {"video", "video+annot", "pose"} & set(args.cases)
            clip = looped_clip(source, minutes, tmp_dir / f"{minutes:g}min.mp4") if video_cases else None
            track = looped_track(base_track, minutes, tmp_dir / f"{minutes:g}min.json") if base_track else None
            for case in args.cases:
                if case == "live":
                    cmd = ["live", str(track), exercise]
                elif case == "track":
                    cmd = ["analyze", str(track), "--exercise", exercise, "--quiet"]
                elif case == "pose":
                    cmd = ["pose", str(clip), "--out", str(tmp_dir / "out.json"), "--quiet"]
                else:
                    cmd = ["analyze", str(clip), "--exercise", exercise, "--quiet"]
                    if case == "video+annot":
                        cmd += ["--annotated", str(tmp_dir / "annotated.mp4")]
                mb, seconds = peak_rss_mb(cmd, tmp_dir)
                rows[case].append((minutes, mb, seconds))
                print(f"{case:>12} {minutes:5g} min: peak RSS {mb:7.0f} MB ({seconds:5.0f} s)", flush=True)
    print()
    print(f"{'case':>12} | " + " | ".join(f"{m:>5g} min" for m in args.minutes) + " | longest / shortest")
    for case, values in rows.items():
        peaks = [mb for _, mb, _ in values]
        print(f"{case:>12} | " + " | ".join(f"{mb:6.0f}MB" for mb in peaks) + f" | {peaks[-1] / peaks[0]:.2f}x")
    print(
        "peak resident memory of a fresh `formcheck` process and its pose model process, per case "
        "(target: 15 min within 1.2x of 1 min)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
