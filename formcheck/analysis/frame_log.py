"""The analyzer's per-frame record, and what a session keeps of frames it no longer holds.

A file is re-analysed as a whole at the end (zero-phase smoothing needs every sample), so its log
keeps every frame. A webcam session only ever looks back one rep (engine.REP_WINDOW_FRAMES), so
its log keeps the recent frames and folds older ones into running totals: counts for the
verdict, the azimuth's running circular sum for the view, and the look-alike read-outs as
float32 rows (a few numbers a frame instead of a held frame's two metric vectors). Memory of a
long live session then stays flat (benchmarks/memory.py --cases live; numbers in the README).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from formcheck.analysis.codes import LiveStatus


@dataclass
class LoggedFrame:
    t: float
    status: LiveStatus  # NO_PERSON | NOT_VISIBLE | OK (seen, whatever the posture)
    raw: np.ndarray  # metric vector, NaN where not computable
    live: np.ndarray  # One-Euro smoothed
    azimuth: float
    message: str | None


@dataclass
class FoldedTotals:
    """The frames dropped from a bounded log, summed."""

    frames: int = 0
    detected: int = 0
    visible: int = 0
    ready: int = 0  # visible frames in the start posture
    first_t: float | None = None
    az_cos: float = 0.0
    az_sin: float = 0.0
    not_visible_messages: Counter[str] = field(default_factory=Counter)
    posture_messages: Counter[str] = field(default_factory=Counter)


class FrameLog:
    """Frames by absolute index; with ``keep`` set, only the last ``keep`` (at least) are held."""

    def __init__(self, keep: int | None = None, fold_columns: tuple[int, ...] = ()) -> None:
        self.keep = keep
        self.offset = 0  # absolute index of frames[0]
        self.frames: list[LoggedFrame] = []
        self.folded = FoldedTotals()
        self._fold_columns = list(fold_columns)
        self._folded_rows: list[np.ndarray] = []  # float32 chunks: t, then the fold columns

    def __len__(self) -> int:
        """Frames seen so far, held or folded."""
        return self.offset + len(self.frames)

    def append(self, frame: LoggedFrame) -> None:
        self.frames.append(frame)
        if self.keep is not None and len(self.frames) >= 2 * self.keep:
            self._fold(len(self.frames) - self.keep)

    def since(self, index: int) -> list[LoggedFrame]:
        """Held frames from absolute ``index`` on (from the oldest held one if folded)."""
        return self.frames[max(index - self.offset, 0) :]

    def _fold(self, n: int) -> None:
        gone, self.frames = self.frames[:n], self.frames[n:]
        self.offset += n
        f = self.folded
        f.first_t = gone[0].t if f.first_t is None else f.first_t
        f.frames += len(gone)
        for g in gone:
            if g.status != LiveStatus.NO_PERSON:
                f.detected += 1
            if g.status == LiveStatus.NOT_VISIBLE and g.message:
                f.not_visible_messages[g.message] += 1
            if g.status == LiveStatus.OK:
                f.visible += 1
                if g.message:
                    f.posture_messages[g.message] += 1
                else:
                    f.ready += 1
            if np.isfinite(g.azimuth):
                a = np.radians(g.azimuth)
                f.az_cos += float(np.cos(a))
                f.az_sin += float(np.sin(a))
        rows = np.empty((len(gone), 1 + len(self._fold_columns)), np.float32)
        rows[:, 0] = [g.t for g in gone]
        rows[:, 1:] = np.array([g.live[self._fold_columns] for g in gone], np.float32).reshape(len(gone), -1)
        self._folded_rows.append(rows)

    def folded_columns(self) -> np.ndarray:
        """(folded frames, 1 + fold columns): t and the folded read-outs, oldest first."""
        if not self._folded_rows:
            return np.empty((0, 1 + len(self._fold_columns)), np.float32)
        return np.concatenate(self._folded_rows)
