"""Accuracy of the whole path — rendered video -> MediaPipe -> analysis — against exact truth.

    python benchmarks/accuracy.py                      # full suite (64 clips), 2 workers
    python benchmarks/accuracy.py --quick              # a small subset
    python benchmarks/accuracy.py --out /tmp/fc-bench  # where clips and pose tracks are kept
    python benchmarks/accuracy.py --population 60 --split test --out /tmp/fc-pop  # randomised

``--population N`` replaces the seeded suite by the first N members of the randomised population
(formcheck/synth/population.py: random bodies, cameras around the recommended views, lenses,
tempi, holds, partial reps, each fault at its default magnitude). Members alternate between a
*tune* half (even index) and a *test* half (odd); fit thresholds on the tune half only and
report the test half (``--split test``, the default; ``tune`` or ``both``). See
``population_report`` for what it prints.

The suite is seeded: 3 exercises x both sides x (the view recommended for the case, oblique)
x (clean, each fault at the renderer's default magnitude, a short hold, a small range).
Each clip has 3-5 reps and a 1-4 s hold. Rendered clips and their pose tracks are cached in
``--out`` (delete it for a fresh render); the analysis always runs fresh.

Truth for the two faults the renderer has no switch for: ``short_hold`` is true when the
rep's true hold is under the analyzer's SHORT_HOLD_S, and ``small_lift`` (fire hydrant) when
the rep's true peak is under the clinical flag line; both come from the spec's hold_s and rom.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formcheck.analysis import analyze_frames, get_exercise  # noqa: E402
from formcheck.analysis.exercises import EXERCISES as REGISTERED  # noqa: E402
from formcheck.analysis.exercises.common import SHORT_HOLD_S  # noqa: E402
from formcheck.analysis.exercises.fire_hydrant import TOP_TARGET_DEG as HYDRANT_TARGET_DEG  # noqa: E402
from formcheck.synth import DEFAULT_FAULT_MAGNITUDES, ClipTruth, SynthSpec  # noqa: E402
from formcheck.synth import EXERCISES as RENDERED  # noqa: E402

# Every registered exercise the renderer can draw, in registry order (the seeded suite follows it).
BENCH_EXERCISES = tuple(name for name in REGISTERED if name in RENDERED)
# The view each case is filmed in: the exercise's first recommended view, except faults whose
# metric another recommended view sees (the bridge's frontal-plane faults need the feet end).
FAULT_VIEWS = {"bridge": {"pelvic_drop": "feet", "knees_in": "feet"}}
# Fire hydrant: the renderer has no small_lift switch; a small range of motion instead.
SMALL_LIFT_ROM = 0.4


def case_view(ex: str, label: str) -> str:
    return FAULT_VIEWS.get(ex, {}).get(label, get_exercise(ex).recommended_views[0])


@dataclass(frozen=True)
class Case:
    name: str
    spec: SynthSpec


def suite(seed: int = 0, quick: bool = False) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases: list[Case] = []
    for ex in BENCH_EXERCISES:
        variants: list[tuple[str, dict]] = [("clean", {})]
        variants += [(code, {"faults": {code: mag}}) for code, mag in DEFAULT_FAULT_MAGNITUDES[ex].items()]
        variants.append(("short_hold", {"hold_s": 0.25}))
        if ex == "fire_hydrant":  # the renderer has no small_lift switch: a small range of motion
            variants.append(("small_lift", {"rom": SMALL_LIFT_ROM}))
        for side in ("left", "right"):
            for label, kw in variants:
                rec = case_view(ex, label)
                for view in (rec, "oblique"):
                    s = int(rng.integers(0, 1_000_000))
                    reps = int(rng.integers(3, 6))
                    hold = float(kw.get("hold_s", np.round(rng.uniform(1.0, 4.0), 1)))
                    spec = SynthSpec(
                        exercise=ex,
                        reps=reps,
                        hold_s=hold,
                        side=side,
                        view=view,
                        faults=kw.get("faults", {}),
                        rom=kw.get("rom", 1.0),
                        seed=s,
                        width=480,
                        height=360,
                        lead_in_s=1.0,
                    )
                    cases.append(Case(f"{ex}-{side}-{view}-{label}", spec))
    # Interleave the exercises so that a partial run already covers all three.
    cases = [c for group in zip(*(_by_ex(cases, ex) for ex in BENCH_EXERCISES), strict=False) for c in group] + [
        c for c in cases if c not in _interleavable(cases)
    ]
    if quick:
        keep = []
        for c in cases:
            if c.name.endswith(("-clean", "pelvic_drop", "pelvis_rollback", "trunk_shift")) and "left" in c.name:
                keep.append(c)
        return keep
    return cases


def _by_ex(cases: list[Case], ex: str) -> list[Case]:
    return [c for c in cases if c.spec.exercise == ex]


def _interleavable(cases: list[Case]) -> list[Case]:
    n = min(len(_by_ex(cases, ex)) for ex in BENCH_EXERCISES)
    return [c for ex in BENCH_EXERCISES for c in _by_ex(cases, ex)[:n]]


def _prepare(args: tuple[Case, str]) -> str:
    """Render the clip and run the pose model once; both are cached on disk."""
    case, out = args
    from formcheck.pipeline import track_from_video
    from formcheck.synth import render_clip

    clip = Path(out) / f"{case.name}.mp4"
    track_path = clip.with_suffix(".track.json")
    spec_path = clip.with_suffix(".spec.json")
    # Compare as specs (tuples come back as lists; fields left at their defaults may be absent)
    # so an unchanged spec keeps its cache.
    if spec_path.exists() and SynthSpec.from_dict(json.loads(spec_path.read_text())) != case.spec:
        for p in (clip, track_path):
            p.unlink(missing_ok=True)
    if not clip.exists():
        render_clip(case.spec, clip)
        spec_path.write_text(json.dumps(case.spec.to_dict()))
    if not track_path.exists():
        track_from_video(clip).save(track_path)
    return case.name


def truth_faults(ex: str, rep_truth, spec: SynthSpec) -> set[str]:
    codes = {c for c, m in rep_truth.faults.items() if m > 0}
    if rep_truth.hold_s < SHORT_HOLD_S:
        codes.add("short_hold")
    if ex == "fire_hydrant":
        f = get_exercise(ex).fault("small_lift")
        target = HYDRANT_TARGET_DEG
        if target - rep_truth.peak_angle_deg > f.threshold:
            codes.add("small_lift")
    return codes


def analysed(name: str, exercise: str, out: str | Path):
    """A cached clip's truth, pose track and analysis (prepare() made the first two)."""
    from formcheck.track import Track

    clip = Path(out) / f"{name}.mp4"
    truth = ClipTruth.load(clip.with_name(clip.stem + ".truth.json"))
    track = Track.load(clip.with_suffix(".track.json"))
    return truth, track, analyze_frames(track.frames, exercise, source=clip.name)


def evaluate(cases: list[Case], out: str) -> dict:
    return summarise([(case, *analysed(case.name, case.spec.exercise, out)) for case in cases])


def summarise(rows: list) -> dict:
    exact = []
    side_ok = []
    hold_err: list[float] = []
    good_hold_err: list[float] = []
    peak_err: list[float] = []
    peak_err_by_view: dict[str, list[float]] = defaultdict(list)
    hold_err_by_view: dict[str, list[float]] = defaultdict(list)
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    clean_no_fault = []
    failures = []
    detection = []
    holds_not_reported = 0
    for case, truth, track, result in rows:
        ex = case.spec.exercise
        spec_ex = get_exercise(ex)
        detection.append(track.detection_rate)
        n_ok = len(result.reps) == len(truth.reps)
        exact.append(n_ok)
        if spec_ex.unilateral:
            side_ok.append(all(r.side == case.spec.side for r in result.reps) and bool(result.reps))
        if not n_ok:
            failures.append(f"{case.name}: {len(result.reps)} reps counted, {len(truth.reps)} true ({result.message})")
        # Match reps by time (nearest true top to each counted top).
        used = set()
        pairs = []
        for r in result.reps:
            j = int(np.argmin([abs(r.top_s - t.top_s) if k not in used else 1e9 for k, t in enumerate(truth.reps)]))
            if j in used or abs(r.top_s - truth.reps[j].top_s) > 2.0:
                pairs.append((r, None))
                continue
            used.add(j)
            pairs.append((r, truth.reps[j]))
        measurable = {f.code for f in spec_ex.faults if spec_ex.judges(f, result.view)}
        clip_flags = False
        for r, t in pairs:
            found = {f.code for f in r.faults}
            clip_flags |= bool(found)
            if t is None:
                for c in found:
                    fp[c] += 1
                continue
            if r.time_at_top_s is not None:  # None: the view cannot time holds, and says so
                hold_err.append(abs(r.time_at_top_s - t.hold_s))
                hold_err_by_view[f"{ex}/{case.spec.view}"].append(abs(r.time_at_top_s - t.hold_s))
            else:
                holds_not_reported += 1
            if not t.faults and r.hold_s is not None:
                good_hold_err.append(abs(r.hold_s - t.hold_s))
            if r.peak_angle_deg is not None:
                peak_err.append(abs(r.peak_angle_deg - t.peak_angle_deg))
                peak_err_by_view[f"{ex}/{case.spec.view}"].append(r.peak_angle_deg - t.peak_angle_deg)
            true_codes = truth_faults(ex, t, case.spec) & measurable
            for c in measurable:
                if c in found and c in true_codes:
                    tp[c] += 1
                elif c in found:
                    fp[c] += 1
                elif c in true_codes:
                    fn[c] += 1
        for k, t in enumerate(truth.reps):
            if k not in used:
                for c in truth_faults(ex, t, case.spec) & measurable:
                    fn[c] += 1
        if case.name.endswith("-clean"):
            clean_no_fault.append(not clip_flags)
    # Faults no view reports (the pose model could not deliver them on renders): say so,
    # with how many true faulty reps went unreported, instead of leaving them out silently.
    unreported: dict[str, int] = defaultdict(int)
    for case, truth, _track, _result in rows:
        spec_ex = get_exercise(case.spec.exercise)
        for f in spec_ex.faults:
            if f.metric is not None and not spec_ex.metric(f.metric).views:
                unreported[f.code] += sum(f.code in truth_faults(case.spec.exercise, t, case.spec) for t in truth.reps)
    codes = sorted(set(tp) | set(fp) | set(fn))
    per_fault = {}
    for c in codes:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else float("nan")
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else float("nan")
        per_fault[c] = {"precision": p, "recall": r, "tp": tp[c], "fp": fp[c], "fn": fn[c]}
    return {
        "clips": len(rows),
        "detection_rate": float(np.mean(detection)) if detection else float("nan"),
        "exact_rep_count_rate": float(np.mean(exact)) if exact else float("nan"),
        "side_correct_rate": float(np.mean(side_ok)) if side_ok else float("nan"),
        "hold_mae_s": float(np.mean(hold_err)) if hold_err else float("nan"),
        "good_posture_hold_mae_s_clean_reps": float(np.mean(good_hold_err)) if good_hold_err else float("nan"),
        "peak_angle_mae_deg": float(np.mean(peak_err)) if peak_err else float("nan"),
        "peak_bias_by_view_deg": {k: round(float(np.mean(v)), 2) for k, v in sorted(peak_err_by_view.items())},
        "peak_mae_by_view_deg": {k: round(float(np.mean(np.abs(v))), 2) for k, v in sorted(peak_err_by_view.items())},
        "hold_mae_by_view_s": {k: round(float(np.mean(v)), 2) for k, v in sorted(hold_err_by_view.items())},
        "holds_timed": len(hold_err),
        "holds_not_reported_by_view": holds_not_reported,
        "faults": per_fault,
        "clean_clips_without_fault_rate": float(np.mean(clean_no_fault)) if clean_no_fault else float("nan"),
        "failures": failures,
        "unreported_faults": dict(unreported),
    }


TARGETS = {
    "exact_rep_count_rate": (">=", 0.97),
    "hold_mae_s": ("<=", 0.3),
    "peak_angle_mae_deg": ("<=", 5.0),
    "clean_clips_without_fault_rate": (">=", 0.90),
}


def print_report(s: dict) -> bool:
    ok_all = True
    print(f"clips: {s['clips']}   pose detection rate: {s['detection_rate']:.3f}")
    print(f"{'metric':40s} {'value':>8s}  target")
    for key in ("exact_rep_count_rate", "hold_mae_s", "peak_angle_mae_deg", "clean_clips_without_fault_rate"):
        op, target = TARGETS[key]
        v = s[key]
        ok = v >= target if op == ">=" else v <= target
        ok_all &= bool(ok)
        print(f"{key:40s} {v:8.3f}  {op} {target}  {'ok' if ok else 'MISS'}")
    print(f"{'side_correct_rate (unilateral clips)':40s} {s['side_correct_rate']:8.3f}")
    print(f"{'good_posture_hold_mae_s (clean reps)':40s} {s['good_posture_hold_mae_s_clean_reps']:8.3f}")
    print(f"{'fault':16s} {'precision':>9s} {'recall':>7s}   tp  fp  fn")
    for code, f in s["faults"].items():
        ok = (np.isnan(f["precision"]) or f["precision"] >= 0.9) and (np.isnan(f["recall"]) or f["recall"] >= 0.9)
        ok_all &= bool(ok)
        print(
            f"{code:16s} {f['precision']:9.3f} {f['recall']:7.3f}  {f['tp']:3d} {f['fp']:3d} {f['fn']:3d}"
            f"  {'ok' if ok else 'MISS'}"
        )
    for code, n in s.get("unreported_faults", {}).items():
        print(f"{code:16s} not reported in any view ({n} true faulty reps not flagged; see docs/exercises.md)")
    print("peak bias by exercise/view (deg):", s["peak_bias_by_view_deg"])
    print("peak MAE by exercise/view (deg):", s["peak_mae_by_view_deg"])
    print("hold MAE by exercise/view (s):", s["hold_mae_by_view_s"])
    print(
        f"holds timed: {s['holds_timed']}; not reported because the view cannot measure the primary "
        f"angle (the result says so): {s['holds_not_reported_by_view']}"
    )
    for line in s["failures"]:
        print("  count miss:", line)
    return ok_all


def prepare(cases: list[Case], out: str | Path, workers: int = 2, log: bool = True) -> None:
    """Render and pose every case (cached), with at most two processes (2-core machines)."""
    Path(out).mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    with Pool(min(2, max(1, workers))) as pool:
        for i, name in enumerate(pool.imap_unordered(_prepare, [(c, str(out)) for c in cases]), 1):
            if log:
                print(f"[{i}/{len(cases)}] {name} ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.environ.get("FORMCHECK_BENCH_DIR", "/tmp/formcheck-accuracy"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="substring filter on clip names")
    ap.add_argument("--json", default="", help="also write the summary here")
    ap.add_argument("--population", type=int, default=0, help="randomised population of N clips instead of the suite")
    ap.add_argument("--split", choices=("test", "tune", "both"), default="test", help="population half to report")
    ap.add_argument("--no-render", action="store_true", help="population: report only clips already in --out")
    ap.add_argument(
        "--view",
        default=None,
        help="population: film every member from this renderer view (e.g. side: the fire hydrant from the "
        "working side) instead of a recommended one; exercises without the view are left out",
    )
    ap.add_argument(
        "--start",
        type=int,
        default=0,
        help="population: report members from this index on (members added after the thresholds were fitted)",
    )
    args = ap.parse_args(argv)
    if args.population:
        return population_main(args)
    cases = [c for c in suite(args.seed, args.quick) if args.only in c.name]
    prepare(cases, args.out, args.workers)
    summary = evaluate(cases, args.out)
    ok = print_report(summary)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2, default=float))
    return 0 if ok else 1


# ----------------------------------------------------------------------------- randomised population

# Faults judged by range of motion: truth is the true peak's shortfall from the analyzer's target,
# so partial reps of any depth (and proportions that cap the reachable top) have an exact answer.
ROM_FAULTS = {"bridge": "hips_low", "clamshell": "small_opening", "fire_hydrant": "small_lift"}
# Reps this close to a flag line (degrees of shortfall, seconds of hold) are borderline: neither
# flagging nor missing them is counted.
ROM_MARGIN_DEG = 4.0
HOLD_MARGIN_S = 0.25


def _rom_target(ex: str) -> float:
    import importlib

    return float(importlib.import_module(f"formcheck.analysis.exercises.{ex}").TOP_TARGET_DEG)


def population_truth(ex: str, rep_truth) -> tuple[set[str], set[str]]:
    """(true fault codes, borderline codes) of one rep, from the renderer's truth file only."""
    rom_code = ROM_FAULTS[ex]
    codes = {c for c, m in rep_truth.faults.items() if m > 0 and c != rom_code}
    border: set[str] = set()
    spec_ex = get_exercise(ex)
    if any(f.code == rom_code for f in spec_ex.faults):
        short = _rom_target(ex) - rep_truth.peak_angle_deg
        line = spec_ex.fault(rom_code).threshold
        if abs(short - line) <= ROM_MARGIN_DEG:
            border.add(rom_code)
        elif short > line:
            codes.add(rom_code)
    if abs(rep_truth.hold_s - SHORT_HOLD_S) <= HOLD_MARGIN_S:
        border.add("short_hold")
    elif rep_truth.hold_s < SHORT_HOLD_S:
        codes.add("short_hold")
    return codes, border


def _band(value: float, edges: tuple[float, ...], names: tuple[str, ...]) -> str:
    for edge, name in zip(edges, names, strict=False):
        if value < edge:
            return name
    return names[-1]


def population_rows(members: list, out: str) -> list[dict]:
    """One row per clip: truth, analysis and the per-rep matches, as plain data."""
    rows = []
    for m in members:
        ex = m.spec.exercise
        spec_ex = get_exercise(ex)
        truth, track, result = analysed(m.name, ex, out)
        cam = truth.camera["position"]
        measurable = {f.code for f in spec_ex.faults if spec_ex.judges(f, result.view)}
        used: set[int] = set()
        reps = []
        for r in result.reps:
            cands = [abs(r.top_s - t.top_s) if k not in used else 1e9 for k, t in enumerate(truth.reps)]
            j = int(np.argmin(cands))
            if cands[j] > 2.0:
                reps.append({"truth": None, "found": sorted(f.code for f in r.faults)})
                continue
            used.add(j)
            t = truth.reps[j]
            true_codes, border = population_truth(ex, t)
            reps.append(
                {
                    "truth": j,
                    "found": sorted(f.code for f in r.faults),
                    "true": sorted(true_codes),
                    "border": sorted(border),
                    "hold_err": None if r.time_at_top_s is None else r.time_at_top_s - t.hold_s,
                    "peak_err": None if r.peak_angle_deg is None else r.peak_angle_deg - t.peak_angle_deg,
                    "metrics": {k: v for k, v in r.metrics.items() if v is not None},
                    "peak": r.peak_angle_deg,
                    "baseline": r.baseline_angle_deg,
                    "true_peak": t.peak_angle_deg,
                }
            )
        missed = []
        for k, t in enumerate(truth.reps):
            if k not in used:
                true_codes, border = population_truth(ex, t)
                missed.append({"truth": k, "true": sorted(true_codes), "border": sorted(border)})
        rows.append(
            {
                "name": m.name,
                "index": m.index,
                "split": m.split,
                "seed": m.spec.seed,
                "exercise": ex,
                "side": m.spec.side,
                "view": m.spec.view,
                "case": m.case,
                "azimuth_deg": m.spec.camera_azimuth_deg,
                "camera_height_m": round(float(cam[2]), 2),
                "fov_deg": m.spec.fov_deg,
                "status": str(result.status),
                "message": result.message,
                "analyzer_view": None if result.view is None else str(result.view),
                "measurable": sorted(measurable),
                "reps_true": len(truth.reps),
                "reps_counted": len(result.reps),
                "detection_rate": track.detection_rate,
                "reps": reps,
                "missed": missed,
            }
        )
    return rows


def population_summary(rows: list[dict]) -> dict:
    """Exact-rep rate, hold and peak MAE, per-fault P/R, clean-rep false flags; overall and per bucket."""

    def block(rs: list[dict]) -> dict:
        tp: dict[str, int] = defaultdict(int)
        fp: dict[str, int] = defaultdict(int)
        fn: dict[str, int] = defaultdict(int)
        fn_unmeasurable: dict[str, int] = defaultdict(int)
        hold, peak, clean_flags = [], [], []
        for row in rs:
            for rep in row["reps"]:
                found = set(rep["found"])
                if rep["truth"] is None:
                    for c in found:
                        fp[c] += 1
                    continue
                true, border = set(rep["true"]), set(rep["border"])
                if rep["hold_err"] is not None:
                    hold.append(abs(rep["hold_err"]))
                if rep["peak_err"] is not None:
                    peak.append(abs(rep["peak_err"]))
                if not true and not border:
                    clean_flags.append(bool(found))
                for c in (found | true) - border:
                    if c in found and c in true:
                        tp[c] += 1
                    elif c in found:
                        fp[c] += 1
                    else:
                        fn[c] += 1
                        fn_unmeasurable[c] += c not in row["measurable"]
            for rep in row["missed"]:
                for c in set(rep["true"]) - set(rep["border"]):
                    fn[c] += 1
        faults = {}
        for c in sorted(set(tp) | set(fp) | set(fn)):
            p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else float("nan")
            r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else float("nan")
            faults[c] = {
                "precision": p,
                "recall": r,
                "tp": tp[c],
                "fp": fp[c],
                "fn": fn[c],
                "fn_not_measurable_in_view": fn_unmeasurable[c],
            }
        return {
            "clips": len(rs),
            "exact_rep_count_rate": float(np.mean([r["reps_counted"] == r["reps_true"] for r in rs]))
            if rs
            else float("nan"),
            "refused_clips": sum(r["status"] != "ok" for r in rs),
            "hold_mae_s": float(np.mean(hold)) if hold else float("nan"),
            "holds_timed": len(hold),
            "peak_mae_deg": float(np.mean(peak)) if peak else float("nan"),
            "clean_reps": len(clean_flags),
            "clean_rep_flag_rate": float(np.mean(clean_flags)) if clean_flags else float("nan"),
            "faults": faults,
        }

    buckets: dict[str, dict[str, list[dict]]] = {
        "exercise/view": defaultdict(list),
        "camera height": defaultdict(list),
        "azimuth": defaultdict(list),
    }
    for row in rows:
        buckets["exercise/view"][f"{row['exercise']}/{row['view']}"].append(row)
        h = _band(row["camera_height_m"], (0.6, 1.1), ("<0.6 m", "0.6-1.1 m", ">=1.1 m"))
        buckets["camera height"][f"{row['exercise']} {h}"].append(row)
        a = _band(abs(row["azimuth_deg"]), (15.0,), ("|az|<15", "|az|>=15"))
        buckets["azimuth"][f"{row['exercise']} {a}"].append(row)
    failures = []
    for row in rows:
        missed_faults = sorted(
            {
                c
                for rep in row["reps"]
                if rep["truth"] is not None
                for c in set(rep["true"]) - set(rep["found"]) - set(rep["border"])
            }
        )
        false_flags = sorted(
            {
                c
                for rep in row["reps"]
                for c in set(rep["found"]) - set(rep.get("true", [])) - set(rep.get("border", []))
            }
        )
        what = []
        if row["status"] != "ok":
            what.append(f"refused ({row['status']}: {row['message']})")
        if row["reps_counted"] != row["reps_true"]:
            what.append(f"{row['reps_counted']} reps counted of {row['reps_true']}")
        if missed_faults:
            what.append("missed " + ",".join(missed_faults))
        if false_flags:
            what.append("false " + ",".join(false_flags))
        if what:
            failures.append(
                f"{row['split']} seed {row['seed']} {row['name']} (az {row['azimuth_deg']:+.0f}, "
                f"h {row['camera_height_m']:.2f} m, fov {row['fov_deg']:.0f}, seen as {row['analyzer_view']}): "
                + "; ".join(what)
            )
    return {
        "overall": block(rows),
        "buckets": {name: {k: block(v) for k, v in sorted(b.items())} for name, b in buckets.items()},
        "failures": failures,
    }


POP_TARGETS = {
    "exact_rep_count_rate": (">=", 0.97),
    "hold_mae_s": ("<=", 0.3),
    "clean_rep_flag_rate": ("<=", 0.05),
}
FAULT_PR_TARGET = 0.85
PELVIS_FAULTS = {"pelvic_drop", "pelvis_rollback", "pelvic_tilt"}


def population_report(s: dict, title: str) -> bool:
    """Print the summary of one half; True when every done-when target is met."""
    o = s["overall"]
    ok_all = True
    print(f"== {title}: {o['clips']} clips, {o['refused_clips']} refused")
    for key, (op, target) in POP_TARGETS.items():
        v = o[key]
        ok = bool(v >= target if op == ">=" else v <= target)
        ok_all &= ok
        print(f"{key:28s} {v:8.3f}  {op} {target}  {'ok' if ok else 'MISS'}")
    print(
        f"{'peak_mae_deg':28s} {o['peak_mae_deg']:8.3f}"
        f"   ({o['holds_timed']} holds timed, {o['clean_reps']} clean reps)"
    )
    print(f"{'fault':16s} {'P':>6s} {'R':>6s}   tp  fp  fn  (fn not measurable in the analyzer's view)")
    for code, f in o["faults"].items():
        target = code not in PELVIS_FAULTS and code != "short_hold"
        ok = all(np.isnan(x) or x >= FAULT_PR_TARGET for x in (f["precision"], f["recall"]))
        if target:
            ok_all &= bool(ok)
        mark = ("ok" if ok else "MISS") if target else "(no target)"
        print(
            f"{code:16s} {f['precision']:6.2f} {f['recall']:6.2f}  {f['tp']:3d} {f['fp']:3d} {f['fn']:3d}"
            f"  ({f['fn_not_measurable_in_view']})  {mark}"
        )
    for name, bucket in s["buckets"].items():
        print(f"-- by {name}: clips  exact  refused  holdMAE  peakMAE  clean-flag  faults tp/fp/fn")
        for key, b in bucket.items():
            tpfpfn = " ".join(f"{c}={f['tp']}/{f['fp']}/{f['fn']}" for c, f in b["faults"].items())
            print(
                f"  {key:28s} {b['clips']:3d}  {b['exact_rep_count_rate']:5.2f}  {b['refused_clips']:3d}"
                f"  {b['hold_mae_s']:7.2f}  {b['peak_mae_deg']:7.1f}  {b['clean_rep_flag_rate']:6.2f}  {tpfpfn}"
            )
    for line in s["failures"]:
        print("  ", line)
    return ok_all


def suggest_thresholds(rows: list[dict]) -> dict[str, dict]:
    """For each metric fault, the rep metric values of truly faulty and truly clean reps (tune half
    only, please) and the threshold midway in the widest gap that best separates them."""
    out: dict[str, dict] = {}
    for ex in BENCH_EXERCISES:
        spec_ex = get_exercise(ex)
        for f in spec_ex.faults:
            if f.metric is None or f.code == ROM_FAULTS.get(ex):
                continue
            pos, neg = [], []
            for row in rows:
                if row["exercise"] != ex:
                    continue
                for rep in row["reps"]:
                    if rep["truth"] is None or f.code in rep["border"]:
                        continue
                    v = rep["metrics"].get(f.metric)
                    if v is None or not np.isfinite(v):
                        continue
                    v = abs(float(v))
                    (pos if f.code in rep["true"] else neg).append(v)
            if not pos or not neg:
                continue
            cands = sorted(set(pos + neg))
            best = max(
                ((sum(v > t for v in pos) + sum(v <= t for v in neg), t) for t in cands),
                key=lambda x: x[0],
            )
            t = best[1]
            above = [v for v in pos + neg if v > t]
            t_mid = 0.5 * (t + min(above)) if above else t
            out[f.code] = {
                "metric": f.metric,
                "current": f.threshold,
                "suggested": round(t_mid, 2),
                "correct": f"{best[0]}/{len(pos) + len(neg)}",
                "faulty_min_median": (round(min(pos), 2), round(float(np.median(pos)), 2)),
                "clean_median_max": (round(float(np.median(neg)), 2), round(max(neg), 2)),
            }
    return out


def population_main(args) -> int:
    from formcheck.synth.population import population

    pop = population(args.population, args.seed, view=args.view)
    members = [m for m in pop if args.only in m.name and m.index >= args.start]
    if not args.no_render:
        prepare([Case(m.name, m.spec) for m in members], args.out, args.workers)
    else:
        members = [m for m in members if (Path(args.out) / f"{m.name}.track.json").exists()]
    rows = population_rows(members, args.out)
    halves = ("tune", "test") if args.split == "both" else (args.split,)
    report: dict = {"population": args.population, "seed": args.seed, "split_rule": "even index tune, odd test"}
    ok = True
    for half in halves:
        half_rows = [r for r in rows if r["split"] == half]
        summary = population_summary(half_rows)
        ok &= population_report(summary, f"{half} half (seed {args.seed}, population {args.population})")
        report[half] = summary
    tune_rows = [r for r in rows if r["split"] == "tune"]
    if tune_rows:
        sugg = suggest_thresholds(tune_rows)
        report["thresholds_suggested_by_tune_half"] = sugg
        print(
            "-- thresholds the tune half suggests: |rep metric| that best separates truly faulty from clean reps"
            " (in the metric's units, which for a fault judged as a change from rest is not the threshold's):"
        )
        for code, d in sugg.items():
            print(
                f"  {code:16s} {d['metric']:22s} current {d['current']:6.2f}  suggested {d['suggested']:6.2f}"
                f"  correct {d['correct']:>7s}"
                f"  faulty min/median {d['faulty_min_median']}  clean median/max {d['clean_median_max']}"
            )
    report["clips"] = rows
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=float))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
