"""Build ``pose_landmarker_full.task`` (or ``_heavy``) from Google's published BlazePose GHUM weights.

Why a script: mediapipe 1.x ships no model file and the usual model host is unreachable
offline, but the 0.10.21 wheel on PyPI carries Google's published weights without the
TFLite metadata the Tasks API needs. This script adds that metadata with MediaPipe's own
metadata writer and bundles the two models, so the result is reproducible from the package
registries alone.

The "heavy" landmark weights are in no mediapipe wheel. Google publishes them in its npm package
``@mediapipe/pose`` (Apache-2.0), beside a ``pose_landmark_full.tflite`` byte-identical to the
wheel's: both checksums are pinned below and checked before anything is built.

The metadata writer of mediapipe 1.x does not import, so the work runs in a throwaway venv
holding mediapipe==0.10.21 (Python 3.11, the wheel is cp311).

Usage:  python models/build_pose_model.py [--variant full|heavy] [--out models/pose_landmarker_VARIANT.task]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
import venv
from pathlib import Path

MEDIAPIPE_WITH_WEIGHTS = "mediapipe==0.10.21"
NPM_POSE = "@mediapipe/pose@0.5.1675469404"
HERE = Path(__file__).resolve().parent

# (file inside the wheel, name inside the bundle, normalisation mean, std)
# Detector expects input in [-1, 1]; landmarker expects [0, 1] (docs/design.md §2).
MODELS = [
    ("modules/pose_detection/pose_detection.tflite", "pose_detector.tflite", 127.5, 127.5),
    ("modules/pose_landmark/pose_landmark_full.tflite", "pose_landmarks_detector.tflite", 0.0, 255.0),
]
# sha256 of the landmark weights: the wheel's full model, and the npm package's two.
FULL_SHA256 = "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"
HEAVY_SHA256 = "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"


def build_inside_venv(out: Path, workdir: Path, landmark: Path | None = None) -> None:
    """Runs inside the throwaway venv, where mediapipe 0.10.21 is importable. ``landmark``:
    another landmark model to bundle instead of the wheel's full one."""
    import mediapipe
    from mediapipe.tasks.python.metadata.metadata_writers import (
        metadata_writer,
        model_asset_bundle_utils,
    )

    package_dir = Path(mediapipe.__file__).parent
    bundle: dict[str, bytes] = {}
    for rel_path, bundle_name, mean, std in MODELS:
        is_landmark = bundle_name == "pose_landmarks_detector.tflite"
        raw = (landmark if landmark and is_landmark else package_dir / rel_path).read_bytes()
        writer = metadata_writer.MetadataWriter.create(raw)
        writer.add_general_info(bundle_name.removesuffix(".tflite"), "BlazePose GHUM 3D (Google)")
        writer.add_image_input(norm_mean=[mean], norm_std=[std])  # colour space defaults to RGB
        with_metadata, _ = writer.populate()
        bundle[bundle_name] = with_metadata
        print(f"{bundle_name}: {len(raw)} bytes + metadata (mean {mean}, std {std})")
    model_asset_bundle_utils.create_model_asset_bundle(bundle, str(out))


def heavy_weights(workdir: Path) -> Path:
    """The heavy landmark model from Google's npm package, after checking both pinned checksums."""
    subprocess.run(["npm", "pack", "--silent", NPM_POSE], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    (tarball,) = workdir.glob("mediapipe-pose-*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    package = workdir / "package"
    for name, expected in (("pose_landmark_full.tflite", FULL_SHA256), ("pose_landmark_heavy.tflite", HEAVY_SHA256)):
        digest = hashlib.sha256((package / name).read_bytes()).hexdigest()
        if digest != expected:
            raise SystemExit(f"error: {NPM_POSE} {name} has sha256 {digest}, expected {expected}")
    return package / "pose_landmark_heavy.tflite"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=("full", "heavy"), default="full")
    parser.add_argument("--out", type=Path, help="default: models/pose_landmarker_VARIANT.task")
    parser.add_argument("--inside-venv", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--landmark", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    out: Path = (args.out or HERE / f"pose_landmarker_{args.variant}.task").resolve()

    if args.inside_venv:
        build_inside_venv(out, out.parent, args.landmark)
        return 0

    if sys.version_info[:2] != (3, 11):
        print("error: run this with Python 3.11 (the mediapipe 0.10.21 wheel is cp311)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="formcheck-model-") as tmp:
        extra = ["--landmark", str(heavy_weights(Path(tmp)))] if args.variant == "heavy" else []
        env_dir = Path(tmp) / "venv"
        venv.create(env_dir, with_pip=True)
        python = env_dir / "bin" / "python"
        subprocess.run([python, "-m", "pip", "install", "-q", MEDIAPIPE_WITH_WEIGHTS], check=True)
        subprocess.run([python, __file__, "--inside-venv", "--out", str(out), *extra], check=True)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    out.with_suffix(out.suffix + ".sha256").write_text(f"{digest}  {out.name}\n")
    print(f"wrote {out} ({out.stat().st_size} bytes), sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
