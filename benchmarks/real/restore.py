"""Restore the real-footage clips of manifest.json from fetched copies of their source repositories.

    python benchmarks/real/restore.py --repos DIR --out CLIPS_DIR [--only ID ...]

DIR holds git directories of the source repositories, bare or not, found under any of these names:
``DIR/owner+name/repo`` (the layout of a fetched snapshot), ``DIR/owner+name``, ``DIR/owner/name``,
``DIR/name`` (each may be a bare git dir or hold a ``.git``). Each clip is read with
``git show COMMIT:PATH`` (or ``git cat-file blob BLOB`` when a shallow snapshot lacks the commit),
checked against the manifest's sha256, and written to CLIPS_DIR/<id>.<ext>. Derived clips (mirrored
left-right) are re-encoded as H.264 MP4 with the source frame times; their bytes depend on the
encoder, so only their source is checked. A repository or file that cannot be found is reported and
skipped. Exit code 1 if any clip could not be restored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "manifest.json"


def find_git_dir(repos: Path, repo: str) -> Path | None:
    owner, name = repo.split("/", 1)
    for cand in (repos / f"{owner}+{name}" / "repo", repos / f"{owner}+{name}", repos / owner / name, repos / name):
        for git_dir in (cand, cand / ".git"):
            if (git_dir / "objects").is_dir() and (git_dir / "HEAD").is_file():
                return git_dir
    return None


def git_bytes(git_dir: Path, *args: str) -> bytes | None:
    proc = subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True)
    return proc.stdout if proc.returncode == 0 else None


def read_source(git_dir: Path, src: dict) -> bytes | None:
    data = git_bytes(git_dir, "show", f"{src['commit']}:{src['path']}")
    if data is None and src.get("blob"):
        data = git_bytes(git_dir, "cat-file", "blob", src["blob"])
    return data


def hflip(src_path: Path, out_path: Path) -> None:
    """Mirror every frame left-right; keep each frame's time; H.264 yuv420p MP4."""
    reencode(src_path, out_path, lambda img: img[:, ::-1])


def shrink(src_path: Path, out_path: Path, scale: float) -> None:
    """The clip as if filmed from further away: every frame shrunk to ``scale`` of its size and
    centred on a canvas of the original size, its edges replicated outwards; frame times kept."""
    import cv2  # a formcheck dependency

    def far(img):
        h, w = img.shape[:2]
        small = cv2.resize(img, (max(2, int(w * scale)), max(2, int(h * scale))), interpolation=cv2.INTER_AREA)
        top, left = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
        return cv2.copyMakeBorder(
            small, top, h - small.shape[0] - top, left, w - small.shape[1] - left, cv2.BORDER_REPLICATE
        )

    reencode(src_path, out_path, far)


def reencode(src_path: Path, out_path: Path, transform) -> None:
    """Apply ``transform`` to every RGB frame; keep each frame's time; H.264 yuv420p MP4."""
    import av  # PyAV, a formcheck dependency

    with av.open(str(src_path)) as inp:
        stream = inp.streams.video[0]
        with av.open(str(out_path), "w") as out:
            vs = None
            last_pts = -1
            for frame in inp.decode(stream):
                img = transform(frame.to_ndarray(format="rgb24"))
                h, w = img.shape[:2]
                img = img[: h - h % 2, : w - w % 2].copy()
                if vs is None:
                    vs = out.add_stream("libx264", rate=30)
                    vs.width, vs.height, vs.pix_fmt = img.shape[1], img.shape[0], "yuv420p"
                    vs.time_base = Fraction(1, 1000)
                    vs.codec_context.time_base = Fraction(1, 1000)
                    vs.options = {"crf": "18"}
                t = float(frame.pts * stream.time_base) if frame.pts is not None else 0.0
                pts = max(int(round(t * 1000)), last_pts + 1)
                last_pts = pts
                vf = av.VideoFrame.from_ndarray(img, format="rgb24").reformat(format="yuv420p")
                vf.pts, vf.time_base = pts, Fraction(1, 1000)
                for packet in vs.encode(vf):
                    out.mux(packet)
            if vs is not None:
                for packet in vs.encode():
                    out.mux(packet)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repos", required=True, type=Path, help="folder of fetched source repositories")
    ap.add_argument("--out", required=True, type=Path, help="where to write the clips")
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--only", nargs="*", help="clip ids to restore (default: all)")
    args = ap.parse_args(argv)
    clips = json.loads(args.manifest.read_text())["clips"]
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for clip in clips:
        if args.only and clip["id"] not in args.only:
            continue
        src = clip["source"]
        git_dir = find_git_dir(args.repos, src["repo"])
        if git_dir is None:
            print(f"SKIP {clip['id']}: no copy of {src['repo']} under {args.repos}")
            failed += 1
            continue
        data = read_source(git_dir, src)
        if data is None:
            print(f"SKIP {clip['id']}: {src['path']} at {src['commit'][:10]} is not in {git_dir}")
            failed += 1
            continue
        digest = hashlib.sha256(data).hexdigest()
        if src.get("sha256") and digest != src["sha256"]:
            print(f"FAIL {clip['id']}: sha256 {digest[:12]} != manifest {src['sha256'][:12]}")
            failed += 1
            continue
        out = args.out / clip["file"]
        derived = clip.get("derived")
        if derived:
            if derived.get("transform") != "hflip":
                print(f"SKIP {clip['id']}: unknown transform {derived.get('transform')!r}")
                failed += 1
                continue
            raw = args.out / f".{clip['id']}.source{Path(src['path']).suffix}"
            raw.write_bytes(data)
            try:
                hflip(raw, out)
            finally:
                raw.unlink(missing_ok=True)
            print(f"ok   {clip['id']}: mirrored from {src['repo']}:{src['path']} -> {out}")
        else:
            out.write_bytes(data)
            print(f"ok   {clip['id']}: {src['repo']}:{src['path']} -> {out} (sha256 ok)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
