"""What the analyzer returns: the live state of one frame, and the result of a session.

``SessionResult.to_json`` / ``to_csv`` are the export formats; docs/result_schema.md documents
the JSON. Values that the camera view cannot measure are ``None`` (JSON null), never a number.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formcheck.analysis.codes import LiveStatus, Phase, Status, View

if TYPE_CHECKING:
    from formcheck.analysis.summary import SessionSummary

from formcheck.output_files import write_text_atomic

SCHEMA = "formcheck.analysis"
SCHEMA_VERSION = 1


def _clean(value: Any) -> Any:
    """NaN/inf -> None, rounded floats, recursively; keeps the JSON strict and readable."""
    if isinstance(value, StrEnum):
        return str(value)  # the plain string: the JSON never sees an enum
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, 3)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True)
class LiveState:
    """What to show now, for one frame (the webcam's and the annotated video's view of the analysis)."""

    t: float
    status: LiveStatus
    phase: Phase
    reps: dict[str, int]  # per side: {"left": n, "right": n} or {"both": n}
    side: str | None  # working side of the current or last rep
    hold_s: float  # the hold timer: seconds at the top in good posture, this rep (NaN: view cannot time it)
    # Metric key -> its value now, in the metric's unit (deg or cm), the same quantity the rep
    # reports under that key; None = not measurable from this view (or not computable now).
    values: dict[str, float | None]
    primary_key: str
    cue: str | None  # the one message to show now (camera, position or form)
    cue_code: str | None  # the exercise's fault code, or a CueCode (camera, visibility, position, ...)
    view: View | None
    in_position: bool

    @property
    def angles(self) -> dict[str, float | None]:
        """Old name of ``values`` (they hold centimetres too); kept for callers not yet moved."""
        return self.values


@dataclass(frozen=True)
class FaultHit:
    code: str
    magnitude: float
    unit: str
    side: str | None
    cue: str


@dataclass
class RepResult:
    index: int
    side: str  # "left" | "right" | "both"
    start_s: float
    top_s: float
    hold_end_s: float
    end_s: float
    hold_s: float | None  # seconds at the top with correct posture; None: not measurable in this view
    time_at_top_s: float | None  # seconds at the top, whatever the posture (None: as hold_s)
    peak_angle_deg: float | None  # None when the view cannot measure the primary angle
    baseline_angle_deg: float | None
    up_s: float
    down_s: float
    metrics: dict[str, float | None]  # pelvis etc. at the top of the rep
    faults: list[FaultHit]
    score: int
    # The top read beyond what the body can do (ExerciseSpec.primary_max_deg): the pose model
    # misread it, so the angle and hold are None and not judged.
    top_misread: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tempo"] = {"up_s": d.pop("up_s"), "down_s": d.pop("down_s")}
        return d


@dataclass
class SessionResult:
    exercise: str
    status: Status
    message: str | None  # plain words when status != "ok"
    view: View | None
    view_azimuth_deg: float | None
    recommended_views: list[str]
    not_measurable: dict[str, str]  # metric key -> camera advice
    side_mode: str  # "auto" or the side given
    duration_s: float
    frames: int
    detected_frames: int
    reps: list[RepResult]
    summary: SessionSummary
    primary_key: str
    metric_units: dict[str, str] = field(default_factory=dict)
    source: str = ""
    warnings: list[str] = field(default_factory=list)  # problems with the input itself (cut-short clip, NaNs)

    @property
    def rep_counts(self) -> dict[str, int]:
        return dict(self.summary.reps)

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "schema": SCHEMA,
                "version": SCHEMA_VERSION,
                "source": self.source,
                "exercise": self.exercise,
                "status": self.status,
                "message": self.message,
                "warnings": self.warnings,
                "view": {
                    "detected": self.view,
                    "azimuth_deg": self.view_azimuth_deg,
                    "recommended": self.recommended_views,
                    "not_measurable": self.not_measurable,
                },
                "side_mode": self.side_mode,
                "duration_s": self.duration_s,
                "frames": self.frames,
                "detected_frames": self.detected_frames,
                "primary_metric": self.primary_key,
                "units": self.metric_units,
                "reps": [r.to_dict() for r in self.reps],
                "summary": self.summary.to_dict(),
            }
        )

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2)
        if path is not None:
            write_text_atomic(path, text + "\n")
        return text

    def csv_rows(self) -> list[dict[str, Any]]:
        metric_keys = sorted({k for r in self.reps for k in r.metrics})
        fault_codes = sorted({f.code for r in self.reps for f in r.faults})
        rows = []
        for r in self.reps:
            row: dict[str, Any] = {
                "rep": r.index + 1,  # people count reps from 1 (the JSON "index" is 0-based)
                "side": r.side,
                "start_s": r.start_s,
                "top_s": r.top_s,
                "end_s": r.end_s,
                "hold_s": r.hold_s,
                "time_at_top_s": r.time_at_top_s,
                "peak_angle_deg": r.peak_angle_deg,
                "up_s": r.up_s,
                "down_s": r.down_s,
                "score": r.score,
            }
            row.update({k: r.metrics.get(k) for k in metric_keys})
            hits = {f.code: f.magnitude for f in r.faults}
            row.update({f"fault_{c}": hits.get(c) for c in fault_codes})
            row["faults"] = ";".join(f.code for f in r.faults)
            rows.append(_clean(row))
        return rows

    def to_csv(self, path: str | Path | None = None) -> str:
        """One row per rep; empty cells for values the view cannot measure."""
        rows = self.csv_rows()
        buf = io.StringIO()
        header = list(rows[0].keys()) if rows else ["rep", "side", "start_s", "top_s", "end_s", "hold_s", "score"]
        writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        if path is not None:
            write_text_atomic(path, buf.getvalue())
        return buf.getvalue()
