"""Does MediaPipe's tracking (``num_poses=1``) measure the fire hydrant's trunk shift as well as
running its detector on every frame (``num_poses=2``)? Rendered clips against renderer truth.

For each clip (an ``.mp4`` with its ``.truth.json``, e.g. from ``formcheck.synth.render_clip``),
the frames are decoded once into memory and posed with each setting. Two measures per rep:

- the pose stage alone: the change, from rest to the top, of the 2D series that trunk shift is
  computed from (shoulder midpoint's sideways offset from the supporting knee, in shoulder widths
  scaled to cm; fire_hydrant.measure), on the model's landmarks against the same formula on the
  renderer's exact 2D landmarks;
- the whole analysis: was the trunk_shift fault flagged on the reps that carry >= 5 cm of it
  (and not on the others), and the reported trunk_shift_cm against the truth.

Also ms/frame of each setting within this run (ratios, not absolutes, on a shared machine).

    python benchmarks/tracking_accuracy.py CLIP.mp4 [CLIP.mp4 ...] [--settings np2 np1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GLOG_minloglevel", "2")

from formcheck.analysis import analyze_frames  # noqa: E402
from formcheck.landmarks import Landmark as L  # noqa: E402
from formcheck.pose import PoseEstimator, PoseSettings  # noqa: E402
from formcheck.pose_types import PoseFrame  # noqa: E402
from formcheck.synth.truth import ClipTruth  # noqa: E402
from formcheck.video_io import read_frames  # noqa: E402

SETTINGS = {
    "np2": PoseSettings(num_poses=2),
    "np1": PoseSettings(num_poses=1, people_check_every=0),
    "np1+check": PoseSettings(num_poses=1),
    "np1-mtc0.99": PoseSettings(num_poses=1, people_check_every=0, min_tracking_confidence=0.99),
}
FAULT_CM = 5.0  # the trunk_shift fault's threshold (fire_hydrant.FAULTS)


def trunk_series(xy: np.ndarray, working: str) -> np.ndarray:
    """fire_hydrant.measure's 2D trunk offset (cm) from (N, 33, 2) pixel landmarks."""
    sup_knee, sup_hip, work_hip = (
        (L.LEFT_KNEE, L.LEFT_HIP, L.RIGHT_HIP) if working == "right" else (L.RIGHT_KNEE, L.RIGHT_HIP, L.LEFT_HIP)
    )
    width = np.linalg.norm(xy[:, L.LEFT_SHOULDER] - xy[:, L.RIGHT_SHOULDER], axis=1)
    toward = np.sign(xy[:, sup_hip, 0] - xy[:, work_hip, 0])
    mid = 0.5 * (xy[:, L.LEFT_SHOULDER, 0] + xy[:, L.RIGHT_SHOULDER, 0])
    return (mid - xy[:, sup_knee, 0]) * toward / width * 36.0


def rep_changes(series: np.ndarray, truth: ClipTruth) -> list[float]:
    """Median over the first 0.5 s at the top minus median over the 0.25 s before the rep starts."""
    out = []
    fps = truth.fps
    for rep in truth.reps:
        top, start = int(round(rep.top_s * fps)), int(round(rep.start_s * fps))
        out.append(
            _median(series[top : top + int(0.5 * fps)]) - _median(series[max(0, start - int(0.25 * fps)) : start])
        )
    return out


def _median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


@dataclass
class Tally:
    ms: list[float] = field(default_factory=list)
    detected: list[float] = field(default_factory=list)
    errors_2d: list[float] = field(default_factory=list)  # model change - exact change, per rep (cm)
    found: int = 0  # fault reps flagged
    fault_reps: int = 0
    false_flags: int = 0  # reps without the fault flagged
    clean_reps: int = 0
    reported_err: list[float] = field(default_factory=list)  # |trunk_shift_cm - truth| where reported


def pose_clip(images: list[tuple[np.ndarray, float]], settings: PoseSettings) -> tuple[list[PoseFrame], float]:
    with PoseEstimator(settings) as estimator:
        start = time.perf_counter()
        frames = [estimator.process(image, t) for image, t in images]
        return frames, (time.perf_counter() - start) * 1000 / len(images)


def evaluate_clip(clip: Path, names: list[str], tallies: dict[str, Tally]) -> None:
    truth = ClipTruth.load(clip.with_name(clip.stem + ".truth.json"))
    working = truth.spec["side"]
    width, height = truth.image_size
    images = [(np.ascontiguousarray(f.image), f.timestamp_s) for f in read_frames(clip)]
    exact = trunk_series(truth.landmarks_2d()[: len(images)] * [width, height], working)
    exact_changes = rep_changes(exact, truth)
    shifts = [rep.faults.get("trunk_shift", 0.0) for rep in truth.reps]
    print(
        f"\n{clip.name}: {working} leg, {width}x{height}, true shift per rep {shifts} cm, "
        f"exact-landmark 2D change {[round(c, 1) for c in exact_changes]}"
    )
    for name in names:
        frames, ms = pose_clip(images, SETTINGS[name])
        t = tallies[name]
        t.ms.append(ms)
        t.detected.append(float(np.mean([f.detected for f in frames])))
        xy = np.array([f.landmarks[:, :2] if f.detected else np.full((33, 2), np.nan) for f in frames])
        changes = rep_changes(trunk_series(xy * [width, height], working), truth)
        t.errors_2d += [m - e for m, e in zip(changes, exact_changes, strict=True) if np.isfinite(m - e)]
        result = analyze_frames(frames, "fire_hydrant", source=clip.name)
        reported = []
        for rep, shift in zip(truth.reps, shifts, strict=True):
            found = [r for r in result.reps if abs(r.top_s - rep.top_s) < 1.0]
            flagged = bool(found) and any(f.code == "trunk_shift" for f in found[0].faults)
            value = found[0].metrics.get("trunk_shift_cm") if found else None
            reported.append(None if value is None else round(value, 1))
            if shift >= FAULT_CM:
                t.fault_reps += 1
                t.found += flagged
            else:
                t.clean_reps += 1
                t.false_flags += flagged
            if value is not None:
                t.reported_err.append(abs(value - shift))
        print(
            f"  {name:12s} {ms:5.1f} ms/frame, detected {t.detected[-1]:.2f}, "
            f"2D change {[round(c, 1) for c in changes]}, reported {reported}, reps found {len(result.reps)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", type=Path, nargs="+")
    parser.add_argument("--settings", nargs="+", default=["np2", "np1"], choices=sorted(SETTINGS))
    args = parser.parse_args()
    tallies = {n: Tally() for n in args.settings}
    for clip in args.clips:
        evaluate_clip(clip, args.settings, tallies)
    print(f"\n{len(args.clips)} clips. 2D error: model's rest-to-top change minus the exact landmarks' (cm)")
    print(
        f"{'setting':12s} {'ms/frame':>8s} {'det':>5s} {'2D MAE':>7s} {'median':>7s} {'bias':>6s} {'reps':>5s} | "
        "fault reps flagged | other reps flagged | reported |err| cm (n)"
    )
    for name, t in tallies.items():
        e = np.array(t.errors_2d)
        rep_err = f"{np.mean(t.reported_err):.1f} ({len(t.reported_err)})" if t.reported_err else "- (0)"
        print(
            f"{name:12s} {np.mean(t.ms):8.1f} {np.mean(t.detected):5.2f} {np.mean(np.abs(e)):7.2f} "
            f"{np.median(np.abs(e)):7.2f} {np.mean(e):6.2f} {len(e):5d} | {t.found:3d}/{t.fault_reps:<3d}"
            f"              | {t.false_flags:3d}/{t.clean_reps:<3d}             | {rep_err}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
