"""Pelvis faults: dose-response through MediaPipe on cached randomised renders.

Reads the clips cached by benchmarks/pelvis_render.py (pose tracks + the renderer's spec) and
prints, per exercise and camera view and per fault magnitude (0, 5, 10, 15, 20°): how many
reps were read, the median reading, the detection rate at the threshold, and precision and
recall against the clean reps. The seeds are split in two halves: the threshold is fitted on
the tune half only (the lowest one that flags no clean tune rep, plus a 1° margin) and the
table is for the test half; the shipped threshold is evaluated too.

Readings per rep come from the analyzer itself where it counts reps in that view (engine);
otherwise the exercise's 2D pelvis series is read over the renderer's true rep windows (top
minus the rest before the rep), marked "windows", i.e. what a per-set judgement would see.

    python benchmarks/pelvis.py [--cache /tmp/pelvis_cache]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formcheck.analysis import analyze_frames, get_exercise  # noqa: E402
from formcheck.analysis.body import Body  # noqa: E402
from formcheck.analysis.exercises.clamshell import _feet_pelvis_roll  # noqa: E402
from formcheck.analysis.exercises.fire_hydrant import side_hip_hike  # noqa: E402
from formcheck.synth import SynthSpec, simulate  # noqa: E402
from formcheck.track import Track  # noqa: E402

FAULT = {"clamshell": "pelvis_rollback", "fire_hydrant": "pelvic_tilt", "bridge": "pelvic_drop"}
METRIC = {"clamshell": "pelvis_rollback_deg", "fire_hydrant": "pelvic_tilt_deg", "bridge": "pelvic_drop_deg"}
SERIES_2D = {("clamshell", "feet"): _feet_pelvis_roll, ("fire_hydrant", "side"): side_hip_hike}
MAGNITUDES = (0.0, 5.0, 10.0, 15.0, 20.0)


def half(spec: SynthSpec) -> str:
    """tune / test from the seed's replicate index (benchmarks/pelvis_render.py numbering)."""
    mag = spec.faults.get(FAULT[spec.exercise], 0.0)
    k = spec.seed - 1000 - 97 * MAGNITUDES.index(mag) - 13 * (spec.side == "right")
    return "tune" if k % 2 == 0 else "test"


def window_readings(frames, truth, fn) -> list[float]:
    vals = np.array(
        [fn(Body.from_frame(f)) if f.landmarks is not None and f.world is not None else np.nan for f in frames]
    )
    t = truth.times()[: len(vals)]
    out = []
    for r in truth.reps:
        pre = (t > r.start_s - 1.0) & (t < r.start_s)
        top = (t > r.top_s) & (t < r.top_s + max(r.hold_s, 0.2))
        if np.isfinite(vals[pre]).any() and np.isfinite(vals[top]).any():
            out.append(float(np.nanmedian(vals[top]) - np.nanmedian(vals[pre])))
    return out


def readings(path: Path, source: str) -> tuple[SynthSpec, list[float], str]:
    spec = SynthSpec.from_dict(json.loads(path.with_name(path.name.replace(".track.json", ".spec.json")).read_text()))
    frames = Track.load(path).frames if source == "mediapipe" else simulate(spec).to_pose_frames()
    result = analyze_frames(frames, spec.exercise)
    vals = [r.metrics.get(METRIC[spec.exercise]) for r in result.reps]
    if result.status == "ok" and vals and all(v is not None for v in vals):
        return spec, [float(v) for v in vals], "engine"
    fn = SERIES_2D.get((spec.exercise, spec.view))
    if fn is None:
        return spec, [], "none"
    return spec, window_readings(frames, simulate(spec), fn), "windows"


def table(cache: Path, source: str) -> None:
    cells: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"tune": defaultdict(list), "test": defaultdict(list), "how": defaultdict(int), "reps": 0, "clips": 0}
    )
    for path in sorted(cache.glob("*.track.json")):
        spec, vals, how = readings(path, source)
        c = cells[(spec.exercise, spec.view)]
        c[half(spec)][spec.faults.get(FAULT[spec.exercise], 0.0)] += vals
        c["how"][how] += 1
        c["reps"] += spec.reps
        c["clips"] += 1
    for (exercise, view), c in sorted(cells.items()):
        shipped = get_exercise(exercise).fault(FAULT[exercise]).threshold
        clean_tune = c["tune"][0.0]
        fitted = (max(clean_tune) + 1.0) if clean_tune else float("nan")
        n_read = sum(len(v) for h in ("tune", "test") for v in c[h].values())
        how = ", ".join(f"{k} {v} clips" for k, v in sorted(c["how"].items()))
        print(
            f"\n{exercise} / {view}  ({source}; readings: {how}; "
            f"{n_read} of {c['reps']} reps read in {c['clips']} clips)"
        )
        print(f"  threshold fitted on tune: {fitted:.1f}°   shipped: {shipped:.1f}°   (evaluated on the test half)")
        print("   mag |  n | median  [min, max] | detected@fit  P     R  | detected@shipped  P     R")
        clean = c["test"][0.0]
        for mag in MAGNITUDES:
            v = np.array(c["test"][mag])
            if not v.size:
                continue
            row = f"  {mag:4.0f} | {v.size:2d} | {np.median(v):+6.1f} [{v.min():+5.1f}, {v.max():+5.1f}] |"
            for th in (fitted, shipped):
                det = float(np.mean(v > th))
                if mag == 0:
                    row += f"  false flags {det:4.0%}    |"
                else:
                    tp, fp = int(np.sum(v > th)), int(np.sum(np.array(clean) > th))
                    p = tp / (tp + fp) if tp + fp else float("nan")
                    row += f"   {det:4.0%}     {p:4.2f}  {det:4.2f} |"
            print(row)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/pelvis_cache"))
    ap.add_argument("--exact", action="store_true", help="read the renderer's exact landmarks instead of the tracks")
    args = ap.parse_args()
    table(args.cache, "exact" if args.exact else "mediapipe")


if __name__ == "__main__":
    main()
