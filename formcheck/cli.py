"""The ``formcheck`` command line: one subcommand per job, each in its own module.

Each subcommand module exposes ``register(subparsers)`` which adds its parser and sets
``func`` (args -> exit code). Errors meant for the user are ``UserError``s and print as
one line; nothing raises a traceback at the user.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from formcheck import __version__
from formcheck.errors import UserError
from formcheck.pose_worker import start_early

# Quiet MediaPipe/TFLite start-up chatter before anything imports it.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SUBCOMMAND_MODULES = (
    "formcheck.commands.pose_command",
    "formcheck.commands.synth_command",
    "formcheck.commands.analyze_command",
    "formcheck.commands.history_command",
)


def reads_video(argv: list[str]) -> bool:
    """``analyze VIDEO`` or ``pose VIDEO``: the command will run the pose model over a file."""
    return argv[:1] in (["analyze"], ["pose"]) and len(argv) > 1 and not argv[1].lower().endswith(".json")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="formcheck", description="Exercise form checker for hip-rehab exercises.")
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in SUBCOMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if reads_video(argv):
        start_early()  # the pose model's process loads MediaPipe while this one loads its own code
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"formcheck: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("formcheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
