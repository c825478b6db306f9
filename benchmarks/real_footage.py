"""Real footage against hand labels: reps per side, hold time and the message, per clip and overall.

    python benchmarks/real/restore.py --repos DIR_OF_FETCHED_REPOS --out /tmp/fc-real-clips
    python benchmarks/real_footage.py --clips /tmp/fc-real-clips [--cache /tmp/fc-real-cache] [--only ID ...]
                                      [--json results.json]

The clips and their labels are listed in benchmarks/real/manifest.json (README there: where they
come from and how they were labelled). Labels were made by looking at contact sheets of the
frames, never from formcheck's output. Each clip is analysed through formcheck's public API
(``analyze_clip``) as the exercise it shows; a look-alike (donkey kick, bird dog, squat, standing
leg raise) is analysed as the exercise it is most easily confused with (its ``analyse_as``), and
should get 0 reps and a message that names what it looks like.

Pose tracks are cached in --cache under the clip's sha256, so a re-run only re-runs the analysis;
the analysis always reads the cached track, so a first run and a re-run give the same numbers.
A clip missing from --clips is skipped with a note.

``--far SCALE`` runs every clip instead as if filmed from further away: each frame shrunk to SCALE
of its size and centred on a canvas of the original size (edges replicated), frame times kept
(``restore.shrink``). The copies are made once, locally, in ``--cache``; the labels still hold. At
0.18, a 1280x720 bridge or a 1080x1920 clamshell is no longer found by the pose model's detector
in any frame, which is what formcheck's zoom search (formcheck/zoom.py) is for.

Per clip it prints the labelled and counted reps per side, whether they match exactly, the mean
hold error of the counted reps matched to labelled reps by time overlap, and status + message.
The summary gives the exact-rep rate over the labelled exercise clips (also for original footage
only: some clips are the same footage mirrored), the look-alikes with 0 reps and with a message
naming the look-alike, the hold MAE and the rep-boundary MAE.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "real"))  # restore.shrink, for --far
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from formcheck.clip_analysis import analyze_clip  # noqa: E402
from formcheck.errors import UserError  # noqa: E402
from formcheck.pose import DEFAULT_MODEL, PoseSettings, default_model_path  # noqa: E402

MANIFEST = Path(__file__).resolve().parent / "real" / "manifest.json"
SIDE_ABBR = {"left": "L", "right": "R", "both": "B"}


def fmt_counts(counts: dict[str, int]) -> str:
    parts = [f"{SIDE_ABBR.get(s, s)}{n}" for s, n in sorted(counts.items()) if n]
    return " ".join(parts) if parts else "0"


def counts_match(label: dict[str, int], counted: dict[str, int]) -> bool:
    """Exact per side. A label of {"both": n} (bridge) matches n reps in total, whatever side key."""
    if set(label) == {"both"}:
        return sum(counted.values()) == label["both"]
    sides = set(label) | {s for s, n in counted.items() if n}
    return all(label.get(s, 0) == counted.get(s, 0) for s in sides)


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def match_reps(labelled: list[dict], counted: list) -> list[tuple[dict, object]]:
    """Each labelled rep to the unused counted rep overlapping it most in time (none if no overlap)."""
    pairs, used = [], set()
    for lab in labelled:
        best, best_ov = None, 0.0
        for i, rep in enumerate(counted):
            ov = overlap(lab["start_s"], lab["end_s"], rep.start_s, rep.end_s)
            if i not in used and ov > best_ov:
                best, best_ov = i, ov
        if best is not None:
            used.add(best)
            pairs.append((lab, counted[best]))
    return pairs


def track_for(clip_path: Path, exercise: str, cache: Path, settings: PoseSettings | None = None) -> Path:
    """The cached pose track of this clip (keyed by its bytes and the pose setting), made on first use."""
    digest = hashlib.sha256(clip_path.read_bytes()).hexdigest()[:16]
    settings = settings or PoseSettings()
    tag = f".np{settings.num_poses}{'z' if settings.zoom else ''}"  # z: the small-person zoom search
    model = Path(settings.model_path or default_model_path()).stem  # FORMCHECK_POSE_MODEL may change it
    if model != DEFAULT_MODEL.stem:
        tag += f".{model}"
    track_path = cache / f"{digest}{tag}.track.json"
    if not track_path.exists():
        analysis = analyze_clip(clip_path, exercise, settings=settings)
        analysis.track.save(track_path)
    return track_path


def far_copy(path: Path, cache: Path, scale: float) -> Path:
    """The clip shrunk to ``scale`` of its size on a canvas of its own size, made once in the cache."""
    from restore import shrink

    out = cache / f"far-{scale:g}" / f"{path.stem}.mp4"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}")
        shrink(path, tmp, scale)
        tmp.replace(out)
    return out


def evaluate(
    clip: dict, clips_dir: Path, cache: Path, settings: PoseSettings | None = None, far: float | None = None
) -> dict:
    labels = clip["labels"]
    path = clips_dir / clip["file"]
    row = {
        "id": clip["id"] if far is None else f"{clip['id']}@{far:g}",
        "exercise": labels["exercise"],
        "analyse_as": labels["analyse_as"],
        "view": labels.get("view"),
        "derived": bool(clip.get("derived")),
        "label_reps": labels.get("reps", {}),
    }
    if not path.exists():
        row["skipped"] = f"not in {clips_dir} (run benchmarks/real/restore.py)"
        return row
    t0 = time.time()
    if far is not None:
        path = far_copy(path, cache, far)
    try:
        result = analyze_clip(track_for(path, labels["analyse_as"], cache, settings), labels["analyse_as"]).result
    except UserError as exc:
        row["skipped"] = f"could not be read: {exc}"
        return row
    counted = {s: int(n) for s, n in result.rep_counts.items()}
    row.update(
        status=result.status,
        message=result.message,
        detected_view=result.view,
        counted=counted,
        seconds=round(time.time() - t0, 1),
    )
    if labels["exercise"] == "lookalike":
        words = [w.lower() for w in labels.get("lookalike_words", [])]
        row["zero_reps"] = sum(counted.values()) == 0
        row["named"] = bool(result.message) and any(w in result.message.lower() for w in words)
        return row
    row["exact"] = counts_match(labels["reps"], counted)
    row["total_exact"] = sum(counted.values()) == sum(labels["reps"].values())
    pairs = match_reps(labels.get("rep_times", []), result.reps)
    row["matched"] = len(pairs)
    row["hold_errors"] = [
        round(rep.hold_s - (lab["top_end_s"] - lab["top_start_s"]), 3) for lab, rep in pairs if rep.hold_s is not None
    ]
    row["boundary_errors"] = [round(abs(rep.start_s - lab["start_s"]), 3) for lab, rep in pairs] + [
        round(abs(rep.end_s - lab["end_s"]), 3) for lab, rep in pairs
    ]
    row["side_matches"] = [lab["side"] == rep.side for lab, rep in pairs if lab["side"] != "both"]
    return row


def print_table(rows: list[dict]) -> None:
    head = f"{'clip':50} {'as':12} {'view':6} {'label':>6} {'counted':>8} {'exact':>5} {'hold err':>8}  status"
    print(head)
    print("look-alikes: exact = no reps counted; hold err = whether the message names what the clip shows")
    print("-" * len(head))
    for r in rows:
        if "skipped" in r:
            print(f"{r['id']:50} {r['analyse_as']:12} {r['view'] or '-':6} skipped: {r['skipped']}")
            continue
        if r["exercise"] == "lookalike":
            label = "0"
            exact = "yes" if r["zero_reps"] else "no"
            hold = "named" if r["named"] else "unnamed"
        else:
            label = fmt_counts(r["label_reps"])
            exact = "yes" if r["exact"] else ("total" if r["total_exact"] else "no")
            hold = f"{np.mean(r['hold_errors']):+.2f}s" if r["hold_errors"] else "-"
        print(
            f"{r['id']:50} {r['analyse_as']:12} {r['view'] or '-':6} {label:>6} {fmt_counts(r['counted']):>8} "
            f"{exact:>5} {hold:>8}  {r['status']} (view {r['detected_view']})"
        )
        if r["message"]:
            print(f"{'':52}-> {r['message']}")


def rate(flags: list[bool]) -> str:
    return f"{sum(flags)}/{len(flags)} ({100 * sum(flags) / len(flags):.0f}%)" if flags else "-"


def print_summary(rows: list[dict]) -> dict:
    done = [r for r in rows if "skipped" not in r]
    ex = [r for r in done if r["exercise"] != "lookalike"]
    look = [r for r in done if r["exercise"] == "lookalike"]
    holds = [abs(e) for r in ex for e in r["hold_errors"]]
    bounds = [e for r in ex for e in r["boundary_errors"]]
    exercises = sorted({r["exercise"] for r in ex})
    fh_side = [r for r in ex if r["exercise"] == "fire_hydrant" and r["view"] == "side"]
    summary = {
        "clips": len(rows),
        "skipped": len(rows) - len(done),
        "exact_reps": rate([r["exact"] for r in ex]),
        "exact_reps_original_footage": rate([r["exact"] for r in ex if not r["derived"]]),
        "exact_total_ignoring_side": rate([r["total_exact"] for r in ex]),
        "per_exercise": {e: rate([r["exact"] for r in ex if r["exercise"] == e]) for e in exercises},
        "lookalikes_zero_reps": rate([r["zero_reps"] for r in look]),
        "lookalikes_zero_reps_and_named": rate([r["zero_reps"] and r["named"] for r in look]),
        "hold_mae_s": round(float(np.mean(holds)), 2) if holds else None,
        "hold_reps": len(holds),
        "boundary_mae_s": round(float(np.mean(bounds)), 2) if bounds else None,
        "labelled_reps": sum(sum(r["label_reps"].values()) for r in ex),
        "matched_reps": sum(r["matched"] for r in ex),
        "side_view_fire_hydrant_counted": rate([r["exact"] for r in fh_side]),
        "working_side_right": rate([ok for r in ex for ok in r["side_matches"]]),
    }
    print()
    print("summary")
    print(f"  clips run / skipped:                     {len(done)} / {summary['skipped']}")
    print(
        f"  exact reps per side, exercise clips:     {summary['exact_reps']}  (original footage: "
        f"{summary['exact_reps_original_footage']}; right total, any side: {summary['exact_total_ignoring_side']})"
    )
    for e, v in summary["per_exercise"].items():
        print(f"    {e:14}                         {v}")
    print(f"  look-alikes with 0 reps:                 {summary['lookalikes_zero_reps']}")
    print(f"  look-alikes with 0 reps and named:       {summary['lookalikes_zero_reps_and_named']}")
    hold_mae = "-" if summary["hold_mae_s"] is None else f"{summary['hold_mae_s']:.2f} s"
    bound_mae = "-" if summary["boundary_mae_s"] is None else f"{summary['boundary_mae_s']:.2f} s"
    print(f"  hold MAE (matched reps with a hold):     {hold_mae} over {summary['hold_reps']} reps")
    print(
        f"  rep start/end MAE (matched reps):        {bound_mae}; "
        f"{summary['matched_reps']}/{summary['labelled_reps']} labelled reps matched"
    )
    print(f"  working side right (matched 1-leg reps): {summary['working_side_right']}")
    print(f"  side-view fire hydrant counted exactly:  {summary['side_view_fire_hydrant_counted']}")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clips", required=True, type=Path, help="folder written by benchmarks/real/restore.py")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/fc-real-cache"), help="pose-track cache")
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--only", nargs="*", help="clip ids to run (default: all)")
    ap.add_argument("--no-zoom", action="store_true", help="new tracks without the small-person zoom search")
    ap.add_argument("--num-poses", type=int, help="pose setting for new tracks (default: the product's)")
    ap.add_argument("--far", type=float, help="run each clip shrunk to this share of its size (see above)")
    ap.add_argument("--json", type=Path, help="also write the per-clip rows and the summary here")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    settings = PoseSettings() if args.num_poses is None else PoseSettings(num_poses=args.num_poses)
    if args.no_zoom:
        settings = replace(settings, zoom=None)
    clips = json.loads(args.manifest.read_text())["clips"]
    rows = [
        evaluate(c, args.clips, args.cache, settings, args.far) for c in clips if not args.only or c["id"] in args.only
    ]
    print_table(rows)
    summary = print_summary(rows)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "clips": rows}, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
