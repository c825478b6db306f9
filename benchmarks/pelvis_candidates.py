"""Candidate pelvis measures that formcheck does not ship, read on the cached renders and real clips.

Issue 11 asked for a fire hydrant hip hike and a bridge pelvic drop that a single phone can
see. This prints, for each candidate series, the change from the rest before each rep to its
top (median over the hold), read over the renderer's true rep windows (renders, tune and test
halves as in benchmarks/pelvis.py) and over the hand-labelled rep windows of the real clips.
Reading over true windows needs no rep counting, so a candidate is judged on its own merit.
A fire hydrant hike is signed (+ = hips up); a bridge drop is read as a magnitude (|change|),
since flagging it need not know the side. Per magnitude: median [min, max] of the test half, and
whether a threshold fitted on the clean tune reps (+1) separates the test half.

    python benchmarks/pelvis_candidates.py [--cache /tmp/pelvis_cache] [--cache /tmp/pelvis_cache_ts]
        [--clips /work/real_clips --real-cache /work/real_clips/cache]

Clips with another fault instead (a trunk shift, rendered with pelvis_render.py --confound) are
printed as their own rows: a hike measure must not flag them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pelvis import FAULT, MAGNITUDES, half  # noqa: E402
from formcheck.analysis.body import SIDES, Body  # noqa: E402
from formcheck.analysis.exercises.fire_hydrant import _abduction, side_hip_hike, thigh_lengths  # noqa: E402
from formcheck.synth import SynthSpec, simulate  # noqa: E402
from formcheck.track import Track  # noqa: E402

MANIFEST = Path(__file__).resolve().parent / "real" / "manifest.json"
PER_TRUNK = 270.0  # trunk lengths -> approximate degrees of hike (fire_hydrant.SIDE_HIKE_DEG_PER_TRUNK)


def _trunk(b: Body) -> float:
    return max(float(np.linalg.norm(b.mid2("shoulder") - b.mid2("hip"))), 1e-9)


def _support(b: Body) -> str:
    """The supporting leg from the side: the longer thigh in the picture (the working one swings
    towards the lens and shortens)."""
    lengths = thigh_lengths(b)
    return max(lengths, key=lengths.get)


def support_hip_rise(b: Body) -> float:
    """Only the supporting hip, against the shoulders (the working hip's landmark is the one the
    swinging thigh drags)."""
    return PER_TRUNK * float(b.mid2("shoulder")[1] - b.j2(_support(b), "hip")[1]) / _trunk(b)


def hips_over_planted(b: Body) -> float:
    """The hip midpoint's height above the line from the wrists to the supporting knee (planted)."""
    w, k, h = b.mid2("wrist"), b.j2(_support(b), "knee"), b.mid2("hip")
    dx = k[0] - w[0]
    floor_y = w[1] + (k[1] - w[1]) * (h[0] - w[0]) / dx if abs(dx) > 1e-6 else np.nan
    return PER_TRUNK * float(floor_y - h[1]) / _trunk(b)


def world_hike_cm(b: Body) -> float:
    """3D: the working (shorter-thigh) hip's height above the supporting one, world cm."""
    s = _support(b)
    w = "right" if s == "left" else "left"
    return 100.0 * float(b.j3(s, "hip")[1] - b.j3(w, "hip")[1])  # world y points down


def _working_up(b: Body, joint: str) -> float:
    """Back view: the tilt of a joint's line in the picture, + = the working side's end higher
    (the working leg is the one out to the side)."""
    work = max(SIDES, key=lambda s: _abduction(b, s))
    w, s = b.j2(work, joint), b.j2("right" if work == "left" else "left", joint)
    return float(np.degrees(np.arctan2(s[1] - w[1], abs(w[0] - s[0]) + 1e-9)))


def world_hike_back_cm(b: Body) -> float:
    """Back view, 3D: the working (abducted) hip's height above the other one, world cm."""
    work = max(SIDES, key=lambda s: _abduction(b, s))
    other = "right" if work == "left" else "left"
    return 100.0 * float(b.j3(other, "hip")[1] - b.j3(work, "hip")[1])


def _image_line_deg(b: Body, joint: str) -> float:
    """Image angle of the line between the two landmarks of a joint, drawn left to right in the
    picture (label-free), degrees, + = its right end lower."""
    p, q = sorted((b.j2(s, joint) for s in SIDES), key=lambda v: v[0])
    return float(np.degrees(np.arctan2(q[1] - p[1], q[0] - p[0] + 1e-9)))


def hip_vs_shoulder_line(b: Body) -> float:
    """Oblique view: the hip line's image tilt against the shoulder line (both across one body)."""
    return _image_line_deg(b, "hip") - _image_line_deg(b, "shoulder")


def hip_vs_knee_line(b: Body) -> float:
    """Oblique view: the hip line's image tilt against the knee line."""
    return _image_line_deg(b, "hip") - _image_line_deg(b, "knee")


def hip_height_split(b: Body) -> float:
    """Side view: the two hips' vertical separation in the picture, % of a trunk length."""
    return 100.0 * abs(float(b.j2("left", "hip")[1] - b.j2("right", "hip")[1])) / _trunk(b)


def near_hip_sink(b: Body) -> float:
    """Side view: how far the near hip (nearer in the model's depth) sits below the far one in
    the picture, % of a trunk length (+ = near hip lower). Signed: only the near hip's drop."""
    near = min(SIDES, key=lambda s: float(b.j3(s, "hip")[2]))
    far = "right" if near == "left" else "left"
    return 100.0 * float(b.j2(near, "hip")[1] - b.j2(far, "hip")[1]) / _trunk(b)


def world_drop_deg(b: Body) -> float:
    """3D: the hip line's angle from the camera's horizontal (world y), degrees."""
    v = b.j3("left", "hip") - b.j3("right", "hip")
    return float(np.degrees(np.arcsin(np.clip(v[1] / (np.linalg.norm(v) + 1e-12), -1, 1))))


Candidate = Callable[[Body], float]
HIKE_SIDE: dict[str, Candidate] = {
    "hip midpoint vs shoulders (shipped series)": side_hip_hike,
    "supporting hip vs shoulders": support_hip_rise,
    "hips over wrists-to-supporting-knee line": hips_over_planted,
    "3D working hip above supporting hip (cm)": world_hike_cm,
}
DROP: dict[str, Candidate] = {
    "|hip line vs shoulder line| (image)": hip_vs_shoulder_line,
    "|hip line vs knee line| (image)": hip_vs_knee_line,
    "|hips' vertical split| (% trunk)": hip_height_split,
    "|3D hip line from horizontal|": world_drop_deg,
}
CANDIDATES: dict[tuple[str, str], dict[str, Candidate]] = {
    ("fire_hydrant", "side"): HIKE_SIDE,
    ("fire_hydrant", "back"): {
        "image hip line, working end up (shipped back series)": lambda b: _working_up(b, "hip"),
        "image hip line minus shoulder line": lambda b: _working_up(b, "hip") - _working_up(b, "shoulder"),
        "3D working hip above the other (cm)": world_hike_back_cm,
    },
    ("fire_hydrant", "oblique"): {
        "image hip line, working end up": lambda b: _working_up(b, "hip"),
        "image hip line minus shoulder line": lambda b: _working_up(b, "hip") - _working_up(b, "shoulder"),
        "3D working hip above the other (cm)": world_hike_back_cm,
    },
    # From the side the two hips overlap in the picture, so a line through them has no angle.
    ("bridge", "side"): {
        "|hips' vertical split| (% trunk)": hip_height_split,
        "near hip sinking below the far one (% trunk, signed)": near_hip_sink,
        "|3D hip line from horizontal|": world_drop_deg,
    },
    ("bridge", "oblique"): DROP,
    ("bridge", "feet"): DROP,
}
SIGNED = {"fire_hydrant": True, "bridge": False}


def series(frames, fn: Candidate) -> np.ndarray:
    return np.array(
        [fn(Body.from_frame(f)) if f.landmarks is not None and f.world is not None else np.nan for f in frames]
    )


def changes(t: np.ndarray, v: np.ndarray, windows: list[tuple[float, float, float]]) -> list[float]:
    """Top (median over the hold) minus the rest in the second before each rep."""
    out = []
    for start, top0, top1 in windows:
        pre = (t > start - 1.0) & (t < start)
        top = (t > top0) & (t < max(top1, top0 + 0.2))
        if np.isfinite(v[pre]).any() and np.isfinite(v[top]).any():
            out.append(float(np.nanmedian(v[top]) - np.nanmedian(v[pre])))
    return out


def renders(caches: list[Path]) -> None:
    cells: dict = defaultdict(lambda: defaultdict(list))
    for path in sorted(p for cache in caches for p in cache.glob("*.track.json")):
        spec_path = path.with_name(path.name.replace(".track.json", ".spec.json"))
        spec = SynthSpec.from_dict(json.loads(spec_path.read_text()))
        cands = CANDIDATES.get((spec.exercise, spec.view))
        if cands is None:
            continue
        truth = simulate(spec)
        frames = Track.load(path).frames
        t = truth.times()[: len(frames)]
        windows = [(r.start_s, r.top_s, r.top_s + r.hold_s) for r in truth.reps]
        mag = spec.faults.get(FAULT[spec.exercise], 0.0)
        other = {k: v for k, v in spec.faults.items() if k != FAULT[spec.exercise]}
        # A clip with another fault (e.g. a trunk shift) is a confound row, never a clean one.
        row = ", ".join(f"{k} {v:g}" for k, v in other.items()) if other else mag
        for name, fn in cands.items():
            vals = changes(t, series(frames, fn), windows)
            if not SIGNED[spec.exercise] and "signed" not in name:
                vals = [abs(x) for x in vals]
            cells[(spec.exercise, spec.view, name)][(half(spec) if not other else "both", row)] += vals
    for (exercise, view, name), c in sorted(cells.items()):
        clean = c[("tune", 0.0)]
        fit = max(clean) + 1.0 if clean else float("nan")
        print(f"\n{exercise} / {view}: {name}   (threshold fitted on clean tune reps: {fit:+.1f})")
        for mag in MAGNITUDES:
            v = np.array(c[("test", mag)])
            if v.size:
                flagged = f"false flags {np.mean(v > fit):4.0%}" if mag == 0 else f"detected {np.mean(v > fit):4.0%}"
                spread = f"{np.median(v):+6.1f} [{v.min():+6.1f}, {v.max():+6.1f}]"
                print(f"  {mag:4.0f}: n={v.size:2d}  {spread}  {flagged}")
        for (_half, row), vals in sorted((k, v) for k, v in c.items() if k[0] == "both"):
            v = np.array(vals)
            spread = f"{np.median(v):+6.1f} [{v.min():+6.1f}, {v.max():+6.1f}]"
            print(f"  {row} (no pelvis fault, both halves): n={v.size:2d}  {spread}  flagged {np.mean(v > fit):4.0%}")


def real(clips: Path, cache: Path) -> None:
    for clip in json.loads(MANIFEST.read_text())["clips"]:
        labels = clip["labels"]
        cands = CANDIDATES.get((labels["exercise"], labels.get("view", "")))
        if cands is None or not (clips / clip["file"]).exists():
            continue
        digest = hashlib.sha256((clips / clip["file"]).read_bytes()).hexdigest()[:16]
        track = cache / f"{digest}.track.json"
        if not track.exists():
            print(f"\n{clip['id']}: no cached track (run benchmarks/real_footage.py first)")
            continue
        frames = Track.load(track).frames
        t = np.array([f.timestamp_s for f in frames])
        windows = [(r["start_s"], r["top_start_s"], r["top_end_s"]) for r in labels.get("rep_times", [])]
        print(f"\n{clip['id']} (real, {labels.get('view')} view, faults {labels.get('faults') or 'none'})")
        for name, fn in cands.items():
            vals = changes(t, series(frames, fn), windows)
            if not SIGNED[labels["exercise"]] and "signed" not in name:
                vals = [abs(x) for x in vals]
            print(f"  {name:45s} " + " ".join(f"{x:+6.1f}" for x in vals))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, action="append", help="benchmarks/pelvis_render.py cache (repeatable)")
    ap.add_argument("--clips", type=Path, help="real clips folder (benchmarks/real/restore.py)")
    ap.add_argument("--real-cache", type=Path, help="pose tracks of the real clips (benchmarks/real_footage.py)")
    args = ap.parse_args()
    renders(args.cache or [Path("/tmp/pelvis_cache")])
    if args.clips and args.real_cache:
        real(args.clips, args.real_cache)


if __name__ == "__main__":
    main()
