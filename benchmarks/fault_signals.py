"""Can any reading of the pose separate a fault from clean reps? An upper bound, per signal.

    python benchmarks/accuracy.py --population 440 --split tune --only knees_in --out DIR  # render + track
    python benchmarks/fault_signals.py --out DIR --split tune

For the faults the analyzer does not yet find (``knees_in``, ``trunk_shift``, ``knee_extended``),
this reads candidate signals from the cached population clips of ``benchmarks/accuracy.py``:
on the renderer's exact landmarks (is the geometry right?) and on MediaPipe's (does the model
deliver it?). Each rep's value is the signal's median over the true top (the true hold) minus
its median over the 0.5 s before the true start; the working side is the renderer's. Timing on
the truth leaves out every error of rep detection, and the threshold is fitted on the same reps
it is judged on, so the "best min(P, R)" printed is an upper bound for the analyzer. Clean reps
are every rep of the exercise's cached clips without the fault (clean clips, other faults'
clips, the faulty clips' other reps). Truth comes from the renderer's truth files only.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.analysis.geometry import angle_at
from formcheck.landmarks import side_landmark
from formcheck.track import Track

SIDES = ("left", "right")  # Frame's side index: 0, 1
SHOULDER_WIDTH_CM = 36.0


@dataclass(frozen=True)
class Frame:
    img: np.ndarray  # (33, 2) pixels
    world: np.ndarray | None  # (33, 3) metres
    work: int  # 0 = left leg works, 1 = right (bilateral: 0)

    def p(self, joint: str, side: int) -> np.ndarray:
        return self.img[int(side_landmark(SIDES[side], joint))]

    def w(self, joint: str, side: int) -> np.ndarray | None:
        return None if self.world is None else self.world[int(side_landmark(SIDES[side], joint))]

    @property
    def shoulder_width(self) -> float:
        return float(np.linalg.norm(self.p("shoulder", 0) - self.p("shoulder", 1)))

    def outward(self, side: int) -> float:
        """+1 if ``side``'s shoulder is to the image right of the other one (read from the shoulders,
        which the model keeps apart from behind)."""
        return 1.0 if self.p("shoulder", side)[0] > self.p("shoulder", 1 - side)[0] else -1.0


Signal = Callable[[Frame], float]


def _spacing(f: Frame, joint: str) -> float:
    return float(np.linalg.norm(f.p(joint, 0) - f.p(joint, 1)))


def _knee3d(f: Frame) -> float:
    if f.world is None:
        return float("nan")
    return angle_at(*(f.w(j, f.work) for j in ("hip", "knee", "ankle")))


def _knee2d(f: Frame) -> float:
    """The working knee's hip-knee-ankle angle in the picture (from the working side the shin lies
    across the picture, so a knee opening towards straight shows)."""
    return angle_at(*(f.p(j, f.work) for j in ("hip", "knee", "ankle")))


def _world_knee_ratio(f: Frame) -> float:
    if f.world is None:
        return float("nan")
    knees = np.linalg.norm(f.w("knee", 0) - f.w("knee", 1))
    return float(knees / np.linalg.norm(f.w("ankle", 0) - f.w("ankle", 1)))


def _shoulders_against(joint: str, support_only: bool) -> Signal:
    """The shoulder midpoint's sideways offset (towards the supporting side) from ``joint``, in cm
    through an adult shoulder width."""

    def signal(f: Frame) -> float:
        support = 1 - f.work
        toward = f.outward(support)
        mid = 0.5 * (f.p("shoulder", 0) + f.p("shoulder", 1))
        ref = f.p(joint, support) if support_only else 0.5 * (f.p(joint, 0) + f.p(joint, 1))
        return toward * float(mid[0] - ref[0]) / f.shoulder_width * SHOULDER_WIDTH_CM

    return signal


def _foot_out(joint: str) -> Signal:
    """The working leg's ``joint`` (ankle, heel) sideways past its knee, outward, in shoulder widths."""

    def signal(f: Frame) -> float:
        return f.outward(f.work) * float(f.p(joint, f.work)[0] - f.p("knee", f.work)[0]) / f.shoulder_width

    return signal


# fault -> (exercise, {signal name: (signal, direction)}); direction -1: the fault lowers the signal.
SIGNALS: dict[str, tuple[str, dict[str, tuple[Signal, float]]]] = {
    "knees_in": (
        "bridge",
        {
            "knee spacing / hip spacing (2D, shipped)": (lambda f: _spacing(f, "knee") / _spacing(f, "hip"), -1.0),
            "knee spacing / ankle spacing (2D)": (lambda f: _spacing(f, "knee") / _spacing(f, "ankle"), -1.0),
            "knee spacing / heel spacing (2D)": (lambda f: _spacing(f, "knee") / _spacing(f, "heel"), -1.0),
            "knee spacing / shoulder spacing (2D)": (lambda f: _spacing(f, "knee") / _spacing(f, "shoulder"), -1.0),
            "knee spacing / ankle spacing (3D world)": (_world_knee_ratio, -1.0),
        },
    ),
    "trunk_shift": (
        "fire_hydrant",
        {
            "shoulders vs supporting knee (2D, shipped reading)": (_shoulders_against("knee", True), 1.0),
            "shoulders vs supporting ankle (2D)": (_shoulders_against("ankle", True), 1.0),
            "shoulders vs hip midpoint (2D)": (_shoulders_against("hip", False), 1.0),
            "shoulders vs wrist midpoint (2D)": (_shoulders_against("wrist", False), 1.0),
            "shoulders vs supporting wrist (2D)": (_shoulders_against("wrist", True), 1.0),
        },
    ),
    "knee_extended": (
        "fire_hydrant",
        {
            "3D knee angle (shipped reading)": (_knee3d, 1.0),
            "2D knee angle": (_knee2d, 1.0),
            "ankle out past the knee (2D)": (_foot_out("ankle"), 1.0),
            "heel out past the knee (2D)": (_foot_out("heel"), 1.0),
        },
    ),
}


def series(frames: list[tuple[float, Frame | None]], signal: Signal) -> tuple[np.ndarray, np.ndarray]:
    """(times, values) of ``signal`` over a clip's frames (NaN where there is no pose): read once
    per clip, then cut per rep."""
    t = np.array([t for t, _ in frames], float)
    v = np.array([signal(f) if f is not None else np.nan for _, f in frames], float)
    return t, v


def rep_value(t: np.ndarray, v: np.ndarray, rep: dict) -> float:
    """Median over the rep's true top minus median over the 0.5 s before its true start."""

    def median(lo: float, hi: float) -> float:
        x = v[(t >= lo) & (t <= hi)]
        x = x[np.isfinite(x)]
        return float(np.median(x)) if x.size else float("nan")

    return median(rep["top_s"], rep["top_s"] + max(rep["hold_s"], 0.1)) - median(rep["start_s"] - 0.5, rep["start_s"])


def clips(out: Path, exercise: str, split: str):
    """(truth dict, exact frames, MediaPipe frames) of each cached population clip."""
    for truth_path in sorted(out.glob(f"pop*-*-{exercise}-*.truth.json")):
        index = int(truth_path.name.split("-")[1])
        if split != "both" and ("tune", "test")[index % 2] != split:
            continue
        track_path = truth_path.with_name(truth_path.name.replace(".truth.json", ".track.json"))
        if not track_path.exists():
            continue
        truth = json.loads(truth_path.read_text())
        w, h = truth["image_size"]
        work = working_leg(truth)
        model = [
            (p.timestamp_s, Frame(p.landmarks[:, :2] * [w, h], p.world, work) if p.landmarks is not None else None)
            for p in Track.load(track_path).frames
        ]
        yield truth, exact_frames(truth), model


def working_leg(truth: dict) -> int:
    """0 = the left leg works (and for the two-legged bridge), 1 = the right."""
    return 1 if truth["spec"].get("side") == "right" and truth["spec"]["exercise"] != "bridge" else 0


def exact_frames(truth: dict) -> list[tuple[float, Frame | None]]:
    """The renderer's exact landmarks of a truth file (``ClipTruth.to_dict()``), as frames."""
    w, h = truth["image_size"]
    work = working_leg(truth)
    return [
        (f["t"], Frame(np.array(f["landmarks_2d"]) * [w, h], np.array(f["landmarks_3d"]), work))
        for f in truth["frames"]
    ]


def best_split(faulty: np.ndarray, clean: np.ndarray) -> tuple[float, float, float, float]:
    """(min(P, R), threshold, P, R) at the threshold that maximises min(P, R)."""
    best = (0.0, float("nan"), 0.0, 0.0)
    for t in np.unique(np.concatenate([faulty, clean])):
        tp, fp = int((faulty >= t).sum()), int((clean >= t).sum())
        p, r = tp / max(tp + fp, 1), tp / max(len(faulty), 1)
        if min(p, r) > best[0]:
            best = (min(p, r), float(t), p, r)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="the --out folder of benchmarks/accuracy.py --population")
    ap.add_argument("--split", choices=("tune", "test", "both"), default="tune")
    ap.add_argument("--fault", choices=sorted(SIGNALS), action="append", help="default: all")
    args = ap.parse_args()
    for fault in args.fault or sorted(SIGNALS):
        exercise, signals = SIGNALS[fault]
        values: dict[tuple[str, str], list[tuple[bool, float]]] = {}
        for truth, exact, model in clips(Path(args.out), exercise, args.split):
            for name, (signal, _) in signals.items():
                for source, frames in (("exact", exact), ("MediaPipe", model)):
                    t, v = series(frames, signal)
                    for rep in truth["reps"]:
                        faulty = rep["faults"].get(fault, 0) > 0
                        values.setdefault((name, source), []).append((faulty, rep_value(t, v, rep)))
        print(f"== {fault} ({exercise}, {args.split} half of the clips in {args.out})")
        for (name, source), rows in values.items():
            direction = signals[name][1]
            faulty = np.array([v for f, v in rows if f and np.isfinite(v)])
            clean = np.array([v for f, v in rows if not f and np.isfinite(v)])
            if not faulty.size or not clean.size:
                print(f"  {name} [{source}]: no faulty or no clean reps")
                continue
            score, t, p, r = best_split(direction * faulty, direction * clean)
            q = np.percentile
            print(
                f"  {name} [{source}]: faulty {faulty.size} median {q(faulty, 50):+.2f}, "
                f"clean {clean.size} median {q(clean, 50):+.2f} (10-90%: {q(clean, 10):+.2f} to {q(clean, 90):+.2f}); "
                f"best min(P, R) {score:.2f} (P {p:.2f} R {r:.2f} at {direction * t:+.2f})"
            )


if __name__ == "__main__":
    main()
