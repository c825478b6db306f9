"""``formcheck pose VIDEO --out track.json [--annotated out.mp4]``: landmarks for a clip."""

from __future__ import annotations

import argparse
from pathlib import Path

from formcheck.errors import UserError
from formcheck.output_files import check_outputs
from formcheck.pipeline import track_from_video
from formcheck.pose import PoseSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pose", help="find body landmarks in a video and save them as a track file")
    parser.add_argument("video", type=Path, help="video (mp4/mov/webm/avi/gif) or still image")
    parser.add_argument("--out", type=Path, required=True, help="track file to write (JSON)")
    parser.add_argument("--annotated", type=Path, help="also write an MP4 with the skeleton drawn on")
    parser.add_argument("--model", type=Path, help="another pose_landmarker .task file (default: bundled full model)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.model is not None and not args.model.is_file():
        raise UserError(f"Model file not found: {args.model}")
    if args.out.suffix.lower() != ".json":
        raise UserError(f"--out should be a .json file, got {args.out.name}")
    if args.annotated is not None and args.annotated.suffix.lower() != ".mp4":
        raise UserError(f"--annotated should be a .mp4 file, got {args.annotated.name}")
    # Before the model runs: never overwrite the clip, and fail now rather than after the whole clip.
    check_outputs({"--out": args.out, "--annotated": args.annotated}, inputs=[args.video])
    settings = PoseSettings(model_path=args.model)
    track = track_from_video(args.video, args.annotated, settings, progress=not args.quiet)
    track.save(args.out)
    for warning in track.warnings:
        print(f"warning: {warning}")
    detected = sum(f.detected for f in track.frames)
    print(f"{len(track.frames)} frames, person found in {detected} ({track.detection_rate:.0%}); track: {args.out}")
    if args.annotated:
        print(f"annotated video: {args.annotated}")
    if detected == 0:
        print("No person was found. Check that the whole body is in view and well lit.")
    return 0
