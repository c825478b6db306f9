"""Safe output files: never overwrite an input, fail before the long work, never leave half a file.

Every file formcheck writes (track, result JSON/CSV, annotated or rendered video, truth file)
goes through here:

- ``check_outputs`` runs before the pose model: it refuses an output that is one of the inputs
  (through symlinks and hard links too) or that cannot be written, and creates missing folders,
  so a typo costs a one-line message, not a lost clip or a wasted model run.
- ``atomic_output`` writes to a hidden temporary file in the same folder and renames it over the
  target only when the write succeeded, so a crash, a full disk or Ctrl-C leaves the old file (or
  nothing), never a truncated one, and two writers never interleave.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from formcheck.errors import UserError


class OutputPathError(UserError):
    """An output path that formcheck will not or cannot write; the message is meant for the user."""


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (the folder is read-only)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    return exc.strerror or type(exc).__name__


def check_outputs(outputs: Mapping[str, str | Path | None], inputs: Iterable[str | Path] = ()) -> None:
    """Refuse before any work: outputs that are inputs, the same file twice, or unwritable places.

    ``outputs`` maps an option name (for the message, e.g. ``--json``) to a path or None.
    Missing parent folders are created, the same way for every output.
    """
    given = {name: Path(p) for name, p in outputs.items() if p is not None}
    sources = [Path(p) for p in inputs]
    for name, path in given.items():
        for source in sources:
            if _same_file(path, source):
                raise OutputPathError(f"{name} {path} is the input file; choose another name so the input is kept")
    names = list(given)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if _same_file(given[first], given[second]):
                raise OutputPathError(f"{first} and {second} name the same file {given[first]}")
    for name, path in given.items():
        _check_writable(name, path)


def _check_writable(name: str, path: Path) -> None:
    if path.is_dir():
        raise OutputPathError(f"{name} {path} is a folder; give a file name")
    if path.exists() and not path.is_file():
        raise OutputPathError(f"{name} {path} is not a regular file")
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise OutputPathError(f"{name} {path}: {folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.name}.", suffix=".check"):
            pass
    except OSError as exc:
        raise OutputPathError(f"cannot write {name} {path}: {_reason(exc)}") from None


class PendingFile:
    """A hidden temporary file beside ``target`` that becomes ``target`` only on ``commit()``.

    The temporary name keeps the suffix, so writers that pick a format by extension still work.
    It is created with mode 0600 and a random name, so it never follows a planted symlink.
    """

    def __init__(self, target: str | Path) -> None:
        self.target = Path(target)
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                dir=self.target.parent, prefix=f".{self.target.stem}.", suffix=f".tmp{self.target.suffix}"
            )
            os.close(fd)
        except OSError as exc:
            raise OutputPathError(f"cannot write {self.target}: {_reason(exc)}") from None
        self.tmp = Path(name)

    def commit(self) -> Path:
        try:
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            raise OutputPathError(f"cannot write {self.target}: {_reason(exc)}") from None
        return self.target

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on error it is removed."""
    pending = PendingFile(path)
    try:
        yield pending.tmp
    except OSError as exc:
        raise OutputPathError(f"cannot write {pending.target}: {_reason(exc)}") from None
    else:
        pending.commit()
    finally:
        pending.discard()


def write_text_atomic(path: str | Path, text: str) -> Path:
    with atomic_output(path) as tmp:
        tmp.write_text(text)
    return Path(path)
