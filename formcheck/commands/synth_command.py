"""``formcheck synth``: render a synthetic exercise clip and its truth JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from formcheck.errors import UserError
from formcheck.output_files import check_outputs
from formcheck.synth.spec import VIEWS


def _renderable() -> list[str]:
    """The registered exercises the renderer can draw (names and aliases come from the registry)."""
    from formcheck.analysis.exercises import EXERCISES
    from formcheck.synth.spec import EXERCISES as RENDERED

    return [name for name in EXERCISES if name in RENDERED]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "synth",
        help="render a synthetic exercise clip with exact ground truth",
        description=(
            "Render a 3D mannequin doing an exercise to an H.264 MP4, with a <name>.truth.json beside it "
            "(per-frame landmarks, phases and angles; per-rep times, peaks and faults)."
        ),
    )
    p.add_argument("exercise", help=", ".join(_renderable()) + " (or an alias such as clam)")
    p.add_argument("--out", "-o", type=Path, help="output .mp4 (default: <exercise>.mp4)")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--hold", type=float, default=2.0, help="seconds held at the top of each rep")
    p.add_argument(
        "--side", choices=("left", "right"), default="left", help="working leg (bridge: side facing a side camera)"
    )
    p.add_argument(
        "--view",
        choices=VIEWS,
        default=None,
        help="camera position, see formcheck/synth/camera.py (default: the exercise's recommended view; "
        "floor is the clamshell's phone on the floor in front)",
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="CODE[=MAG]",
        help="add a fault, e.g. pelvic_drop=12 (magnitude optional); repeatable",
    )
    p.add_argument(
        "--fault-reps", default=None, metavar="I,J", help="0-based reps that carry the faults (default: all)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tempo", type=float, default=1.0, help="speed multiplier (2 = twice as fast)")
    p.add_argument("--rest", type=float, default=1.2, help="seconds of rest between reps")
    p.add_argument("--rom", type=float, default=1.0, help="fraction of the normal range of motion")
    p.add_argument("--body-height", type=float, default=1.70, help="metres")
    p.add_argument("--build", type=float, default=1.0, help="body width multiplier")
    p.add_argument("--size", default="640x480", help="WIDTHxHEIGHT")
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--camera-distance", type=float, default=None, help="metres (default: frame the body)")
    p.add_argument("--camera-height", type=float, default=None, help="lens height above the floor, metres")
    p.add_argument("--noise", type=float, default=0.0, help="gaussian pixel noise, 0-255 levels")
    p.add_argument("--shake", type=float, default=0.0, help="camera shake, degrees")
    for name in ("skin", "hair", "shirt", "pants", "shoe", "background", "floor", "mat"):
        p.add_argument(f"--{name}", default=None, metavar="#RRGGBB", help=f"{name} colour")
    p.set_defaults(func=run)


def _colour(text: str, what: str) -> tuple[int, int, int]:
    t = text.strip().lstrip("#")
    if len(t) != 6:
        raise UserError(f"--{what} must be a colour like #3366cc, got {text!r}")
    try:
        return int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16)
    except ValueError:
        raise UserError(f"--{what} must be a colour like #3366cc, got {text!r}") from None


def _faults(items: list[str], exercise: str) -> dict[str, float]:
    from formcheck.synth.spec import DEFAULT_FAULT_MAGNITUDES

    known = DEFAULT_FAULT_MAGNITUDES[exercise]
    out: dict[str, float] = {}
    for item in items:
        code, _, mag = item.partition("=")
        code = code.strip().replace("-", "_")
        if code not in known:
            raise UserError(f"{exercise} has no fault {code!r}; its faults are {', '.join(known)}")
        try:
            out[code] = float(mag) if mag else known[code]
        except ValueError:
            raise UserError(f"fault magnitude must be a number, got {item!r}") from None
    return out


def build_spec(args: argparse.Namespace):
    from formcheck.analysis.exercises import find_exercise
    from formcheck.synth.spec import RECOMMENDED_VIEWS, SynthSpec

    found = find_exercise(args.exercise)
    exercise = found.name if found is not None else None
    if exercise not in _renderable():
        raise UserError(f"unknown exercise {args.exercise!r}; choose {', '.join(_renderable())}")
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise UserError(f"--size must look like 640x480, got {args.size!r}") from None
    fault_reps = None
    if args.fault_reps:
        try:
            fault_reps = tuple(int(v) for v in args.fault_reps.split(","))
        except ValueError:
            raise UserError(f"--fault-reps must be rep numbers like 1,3, got {args.fault_reps!r}") from None
    colours = {
        f"{name}_rgb": _colour(getattr(args, name), name)
        for name in ("skin", "hair", "shirt", "pants", "shoe", "background", "floor", "mat")
        if getattr(args, name)
    }
    try:
        return SynthSpec(
            exercise=exercise,
            reps=args.reps,
            hold_s=args.hold,
            side=args.side,
            view=args.view or RECOMMENDED_VIEWS[exercise][0],
            faults=_faults(args.fault, exercise),
            fault_reps=fault_reps,
            seed=args.seed,
            fps=args.fps,
            tempo=args.tempo,
            rest_s=args.rest,
            rom=args.rom,
            height_m=args.body_height,
            build=args.build,
            width=width,
            height=height,
            camera_distance_m=args.camera_distance,
            camera_height_m=args.camera_height,
            noise=args.noise,
            shake_deg=args.shake,
            **colours,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from formcheck.synth import render_clip, truth_path_for

    spec = build_spec(args)
    out = args.out or Path(f"{spec.exercise}.mp4")
    if out.suffix.lower() != ".mp4":
        raise UserError(f"--out must end in .mp4, got {out.name}")
    check_outputs({"--out": out, "truth file": truth_path_for(out)})
    bar = tqdm(total=None, unit="frame", desc=f"rendering {out.name}", leave=False)

    def progress(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        truth = render_clip(spec, out, progress)
    finally:
        bar.close()
    faults = ", ".join(f"{k}={v:g}" for k, v in spec.faults.items()) or "none"
    print(
        f"wrote {out} ({len(truth.frames)} frames, {truth.duration_s:.1f} s, {spec.reps} reps, "
        f"view {spec.view}, faults {faults}) and {truth_path_for(out)}"
    )
    return 0
