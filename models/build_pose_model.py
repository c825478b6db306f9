"""Build ``pose_landmarker_full.task`` from the BlazePose GHUM weights in mediapipe 0.10.21.

Why a script: mediapipe 1.x ships no model file and the usual model host is unreachable
offline, but the 0.10.21 wheel on PyPI carries Google's published weights without the
TFLite metadata the Tasks API needs. This script adds that metadata with MediaPipe's own
metadata writer and bundles the two models, so the result is reproducible from PyPI alone.

The metadata writer of mediapipe 1.x does not import, so the work runs in a throwaway venv
holding mediapipe==0.10.21 (Python 3.11, the wheel is cp311).

Usage:  python models/build_pose_model.py [--out models/pose_landmarker_full.task]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

MEDIAPIPE_WITH_WEIGHTS = "mediapipe==0.10.21"
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "pose_landmarker_full.task"

# (file inside the wheel, name inside the bundle, normalisation mean, std)
# Detector expects input in [-1, 1]; landmarker expects [0, 1] (docs/design.md §2).
MODELS = [
    ("modules/pose_detection/pose_detection.tflite", "pose_detector.tflite", 127.5, 127.5),
    ("modules/pose_landmark/pose_landmark_full.tflite", "pose_landmarks_detector.tflite", 0.0, 255.0),
]


def build_inside_venv(out: Path, workdir: Path) -> None:
    """Runs inside the throwaway venv, where mediapipe 0.10.21 is importable."""
    import mediapipe
    from mediapipe.tasks.python.metadata.metadata_writers import (
        metadata_writer,
        model_asset_bundle_utils,
    )

    package_dir = Path(mediapipe.__file__).parent
    bundle: dict[str, bytes] = {}
    for rel_path, bundle_name, mean, std in MODELS:
        raw = (package_dir / rel_path).read_bytes()
        writer = metadata_writer.MetadataWriter.create(raw)
        writer.add_general_info(bundle_name.removesuffix(".tflite"), "BlazePose GHUM 3D (Google)")
        writer.add_image_input(norm_mean=[mean], norm_std=[std])  # colour space defaults to RGB
        with_metadata, _ = writer.populate()
        bundle[bundle_name] = with_metadata
        print(f"{bundle_name}: {len(raw)} bytes + metadata (mean {mean}, std {std})")
    model_asset_bundle_utils.create_model_asset_bundle(bundle, str(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--inside-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out: Path = args.out.resolve()

    if args.inside_venv:
        build_inside_venv(out, out.parent)
        return 0

    if sys.version_info[:2] != (3, 11):
        print("error: run this with Python 3.11 (the mediapipe 0.10.21 wheel is cp311)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="formcheck-model-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.create(env_dir, with_pip=True)
        python = env_dir / "bin" / "python"
        subprocess.run([python, "-m", "pip", "install", "-q", MEDIAPIPE_WITH_WEIGHTS], check=True)
        subprocess.run([python, __file__, "--inside-venv", "--out", str(out)], check=True)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    out.with_suffix(out.suffix + ".sha256").write_text(f"{digest}  {out.name}\n")
    print(f"wrote {out} ({out.stat().st_size} bytes), sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
