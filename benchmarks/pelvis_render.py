"""Render and pose the pelvis dose-response set once; tracks and truth are cached for benchmarks/pelvis.py.

Each cell (exercise, camera view) gets clips at pelvis-fault magnitudes 0, 5, 10, 15, 20°,
both working sides, three body shapes (height and build), seeded colours, noise and shake.
Clips are short (3 reps, the fault on every rep) and rendered at 15 fps to save CPU.

    python benchmarks/pelvis_render.py --cache /tmp/pelvis_cache [--cell clamshell:feet] [--seeds 2] [--mags 0,15]
        [--confound trunk_shift=10]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from formcheck.synth import SynthSpec, render_clip  # noqa: E402
from formcheck.synth.palette import PANTS, SHIRTS, SKINS  # noqa: E402

FAULT = {"clamshell": "pelvis_rollback", "fire_hydrant": "pelvic_tilt", "bridge": "pelvic_drop"}
MAGNITUDES = (0.0, 5.0, 10.0, 15.0, 20.0)
# Three body shapes: (height m, build).
SHAPES = ((1.58, 0.9), (1.72, 1.0), (1.88, 1.2))


def specs(exercise: str, view: str, seeds: int, mags: tuple[float, ...] = MAGNITUDES) -> list[SynthSpec]:
    out = []
    for mag in mags:
        for side in ("left", "right"):
            for k in range(seeds):
                seed = int(1000 + 97 * MAGNITUDES.index(mag) + 13 * (side == "right") + k)
                rng = np.random.default_rng(seed)
                h, b = SHAPES[(k + MAGNITUDES.index(mag) + (side == "right")) % len(SHAPES)]
                out.append(
                    SynthSpec(
                        exercise=exercise,
                        view=view,
                        reps=3,
                        hold_s=1.0,
                        rest_s=1.0,
                        side=side,
                        faults={FAULT[exercise]: mag} if mag else {},
                        seed=seed,
                        fps=15.0,
                        height_m=float(h + rng.uniform(-0.03, 0.03)),
                        build=float(b),
                        shirt_rgb=SHIRTS[rng.integers(len(SHIRTS))],
                        pants_rgb=PANTS[rng.integers(len(PANTS))],
                        skin_rgb=SKINS[rng.integers(len(SKINS))],
                        noise=2.0,
                        shake_deg=0.3,
                    )
                )
    return out


def confounds(exercise: str, view: str, seeds: int, fault: str, value: float) -> list[SynthSpec]:
    """The clean clips' bodies and seeds with another fault instead (e.g. a trunk shift): a
    pelvis measure must not flag those."""
    return [replace(s, faults={fault: value}) for s in specs(exercise, view, seeds, (0.0,))]


def name(s: SynthSpec) -> str:
    other = "".join(f"{k}{v:g}" for k, v in s.faults.items() if k != FAULT[s.exercise])
    return f"{s.exercise}_{s.view}_{s.side}_{other or format(s.faults.get(FAULT[s.exercise], 0.0), 'g')}_{s.seed}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/pelvis_cache"))
    ap.add_argument("--cell", action="append", default=[], help="exercise:view (repeatable)")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--mags", default="", help="comma-separated subset of the magnitudes (CPU is short)")
    ap.add_argument("--confound", default="", help="fault=value: render the clean clips with this fault instead")
    ap.add_argument("--reverse", action="store_true", help="work from the end (a second process can share the list)")
    args = ap.parse_args()
    from formcheck.pose import PoseEstimator
    from formcheck.track import Track
    from formcheck.video_io import read_frames

    args.cache.mkdir(parents=True, exist_ok=True)
    cells = [c.split(":") for c in (args.cell or ["clamshell:feet"])]
    for exercise, view in cells:
        mags = tuple(float(m) for m in args.mags.split(",")) if args.mags else MAGNITUDES
        todo = specs(exercise, view, args.seeds, mags)
        if args.confound:
            fault, value = args.confound.split("=")
            todo = confounds(exercise, view, args.seeds, fault, float(value))
        for s in reversed(todo) if args.reverse else todo:
            stem = args.cache / name(s)
            if stem.with_suffix(".track.json").exists():
                continue
            mp4 = stem.with_name(f"{stem.name}.{os.getpid()}.mp4")
            truth = render_clip(s, mp4)
            with PoseEstimator() as pose:
                frames = [pose.process(f.image, f.timestamp_s) for f in read_frames(mp4)]
            Track(frames=frames[: len(truth.frames)], image_size=truth.image_size, fps=s.fps).save(
                stem.with_suffix(".track.json")
            )
            stem.with_suffix(".spec.json").write_text(json.dumps(s.to_dict()))
            mp4.unlink()
            print(name(s), flush=True)


if __name__ == "__main__":
    main()
