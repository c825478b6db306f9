"""Where patient video may touch the disk: a private scratch folder per analysis, and kept videos.

An upload is written only when it is analysed, into a folder only this user can open (0700),
under a random name created exclusively (no symlink can be planted for it), and the whole folder
is deleted when the analysis ends, whether it succeeded or not. A video is kept only when the user
asks, in the data folder, readable by its owner only.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

SCRATCH_PREFIX = "formcheck-work-"
# A scratch folder older than this belongs to a process that died mid-analysis.
STALE_AFTER_S = 6 * 3600


def _write_exclusive(path: Path, data: bytes) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def _safe_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""


class ScratchFolder:
    """A private temporary folder for one analysis; everything in it is deleted on exit."""

    def __init__(self, parent: str | Path | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=parent))  # mode 0700

    def new_path(self, suffix: str) -> Path:
        """A fresh random name in the folder (for a file some other writer creates)."""
        return self.path / f"{secrets.token_hex(8)}{_safe_suffix('x' + suffix)}"

    def write(self, data: bytes, original_name: str) -> Path:
        """Write an upload under a random name that keeps only its extension."""
        return _write_exclusive(self.path / f"{secrets.token_hex(8)}{_safe_suffix(original_name)}", data)

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> ScratchFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def remove_stale_scratch(parent: str | Path | None = None, older_than_s: float = STALE_AFTER_S) -> int:
    """Delete scratch folders left by a process that was killed mid-analysis; returns how many."""
    base = Path(parent or tempfile.gettempdir())
    removed = 0
    now = time.time()
    for folder in base.glob(f"{SCRATCH_PREFIX}*"):
        try:
            owned = folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.getuid()
            if owned and now - folder.stat().st_mtime > older_than_s:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def keep_video(data: bytes, original_name: str, folder: str | Path) -> Path:
    """Store a video the user chose to keep, owner-only, under a random name in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    return _write_exclusive(folder / f"{secrets.token_hex(8)}{_safe_suffix(original_name)}", data)
