"""``formcheck analyze VIDEO_OR_TRACK --exercise bridge|clamshell|fire_hydrant``: score a set.

One pass runs pose + the streaming analyzer over the clip (or reads a saved track file). With
--annotated, the skeleton and key angle are drawn and encoded as the model runs, and the reps,
hold timer and cues of the final report go beside the video as WebVTT captions (same name,
``.vtt``), which browsers, VLC and mpv show over it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from formcheck.analysis import EXERCISES, SessionResult
from formcheck.clip_analysis import analyze_clip
from formcheck.errors import UserError
from formcheck.output_files import check_outputs, write_text_atomic


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("analyze", help="count reps, time holds and check the form of one exercise")
    p.add_argument("input", type=Path, help="video file, or a track file (.json) from `formcheck pose`")
    p.add_argument("--exercise", required=True, choices=sorted(EXERCISES), help="which exercise the clip shows")
    p.add_argument("--side", default="auto", choices=("auto", "left", "right"), help="working leg (default: detect)")
    p.add_argument("--json", type=Path, help="write the full result as JSON (docs/result_schema.md)")
    p.add_argument("--csv", type=Path, help="write one row per rep as CSV")
    p.add_argument(
        "--annotated",
        type=Path,
        help="write an MP4 with the skeleton and key angle, and beside it (.vtt) captions with the reps, hold and cues",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for opt, suffix in (("json", ".json"), ("csv", ".csv"), ("annotated", ".mp4")):
        path = getattr(args, opt)
        if path is not None and path.suffix.lower() != suffix:
            raise UserError(f"--{opt} should be a {suffix} file, got {path.name}")
    # Before the model runs: never overwrite the input, and fail now rather than after the whole clip.
    outputs = {f"--{opt}": getattr(args, opt) for opt in ("json", "csv", "annotated")}
    captions = captions_path(args.annotated)
    outputs["--annotated captions"] = captions
    check_outputs(outputs, inputs=[args.input])
    analysis = analyze_clip(args.input, args.exercise, args.side, args.annotated, progress=not args.quiet, keep=False)
    result = analysis.result
    if captions is not None and analysis.captions is not None:
        write_text_atomic(captions, analysis.captions)
    if args.json:
        result.to_json(args.json)
    if args.csv:
        result.to_csv(args.csv)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.status.unreadable:
        raise UserError(result.message or "Could not analyse this clip.")
    print(report(result))
    for opt in ("json", "csv", "annotated"):
        if getattr(args, opt):
            print(f"{opt}: {getattr(args, opt)}")
    if captions is not None:
        print(f"captions: {captions}")
    return 0


def captions_path(annotated: Path | None) -> Path | None:
    """The annotated video's captions: beside it, same name, where players look for them."""
    return annotated.with_suffix(".vtt") if annotated is not None else None


def report(result: SessionResult) -> str:
    """Plain-text summary for the terminal."""
    s = result.summary
    lines = [f"{result.exercise}: {', '.join(f'{k} {v}' for k, v in s.reps.items())} reps"]
    if result.view:
        lines.append(f"camera view: {result.view} (recommended: {', '.join(result.recommended_views)})")
    for _key, advice in result.not_measurable.items():
        lines.append(f"  not measurable: {advice}")
    if result.message:
        lines.append(result.message)
    hold = s.hold
    if hold.mean_s is not None:
        lines.append(
            f"hold: mean {hold.mean_s:.1f} s (min {hold.min_s:.1f}, max {hold.max_s:.1f}); "
            f"{hold.reps_meeting_target} reps held {s.prescription.hold_s:g} s or more"
        )
    rom = s.range_of_motion
    if rom.peak_mean_deg is not None:
        lines.append(
            f"{result.primary_key}: top {rom.peak_mean_deg:.0f}° on average "
            f"({rom.peak_min_deg:.0f}-{rom.peak_max_deg:.0f}°), rest {rom.rest_mean_deg:.0f}°"
        )
    if s.most_common_fault:
        f = s.most_common_fault
        lines.append(f"most common fault: {f.code} in {f.reps} reps — {f.cue}")
    if s.mean_score is not None:
        lines.append(f"mean score: {s.mean_score:.0f}/100")
    lines.append(
        f"{'rep':>3} {'side':5} {'start':>6} {'hold':>5} {'peak':>6} {'up':>4} {'down':>4} {'score':>5}  faults"
    )
    for r in result.reps:
        peak = f"{r.peak_angle_deg:6.1f}" if r.peak_angle_deg is not None else "   n/a"
        hold = f"{r.hold_s:5.1f}" if r.hold_s is not None else "  n/a"
        faults = ", ".join(f"{f.code} {f.magnitude:.0f}{'°' if f.unit == 'deg' else f.unit}" for f in r.faults)
        lines.append(
            f"{r.index + 1:3d} {r.side:5} {r.start_s:6.1f} {hold} {peak} {r.up_s:4.1f} {r.down_s:4.1f} "
            f"{r.score:5d}  {faults}"
        )
    return "\n".join(lines)
