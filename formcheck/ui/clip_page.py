"""The "Check a clip" tab: pick a sample or upload a clip, analyse it, show the results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import streamlit as st

from formcheck.clip_analysis import ClipAnalysis, analyze_clip
from formcheck.errors import UserError
from formcheck.pose_worker import start_early
from formcheck.prescription import Prescription
from formcheck.private_files import ScratchFolder
from formcheck.report_html import PRINT_WIDTH, session_report
from formcheck.ui.charts import angle_of_states
from formcheck.ui.common import ExerciseChoice, patient_prescription
from formcheck.ui.report import show_result
from formcheck.ui.result_actions import KeepableVideo, result_downloads, save_form
from formcheck.ui.tables import rep_table

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_videos"
UPLOAD_TYPES = ["mp4", "mov", "m4v", "webm", "avi", "mkv", "gif"]


@dataclass(frozen=True)
class ClipSource:
    """The clip to analyse: a bundled sample on disk, or an upload held in memory until Analyse."""

    name: str  # what the user knows it by: their own file name
    sample: Path | None = None
    upload: bytes | None = None

    @property
    def key(self) -> tuple[str, int]:
        return self.name, len(self.upload) if self.upload is not None else -1


def _samples() -> dict[str, Path]:
    return {p.stem.replace("_", " "): p for p in sorted(SAMPLE_DIR.glob("*.mp4"))}


def _pick_source(choice: ExerciseChoice) -> ClipSource | None:
    source = st.radio("Clip", ["Upload my clip", "Use a sample video"], horizontal=True, key="clip_source")
    if source == "Use a sample video":
        samples = _samples()
        if not samples:
            st.warning("No sample videos found in sample_videos/.")
            return None
        names = list(samples)
        preferred = [n for n in names if n.startswith(choice.exercise.replace("_", " "))]
        name = st.selectbox("Sample", names, index=names.index(preferred[0]) if preferred else 0)
        return ClipSource(samples[name].name, sample=samples[name])
    upload = st.file_uploader(
        "Your exercise clip",
        type=UPLOAD_TYPES,
        help="Analysed on this computer and deleted afterwards, unless you choose to keep it.",
    )
    if upload is None:
        return None
    return ClipSource(upload.name, upload=upload.getvalue())


@dataclass
class ClipOutcome:
    analysis: ClipAnalysis
    video: bytes | None  # the annotated MP4, held in memory: nothing of it stays on disk


def _run(source: ClipSource, choice: ExerciseChoice) -> ClipOutcome | None:
    """Analyse in a private scratch folder that is deleted as soon as the analysis ends."""
    bar = st.progress(0.0, text="Finding your body in each frame…")

    def progress(done: int, total: int | None) -> None:
        if total:
            bar.progress(min(done / total, 1.0), text=f"Analysing frame {done} of {total}…")

    try:
        with ScratchFolder() as scratch:
            clip = source.sample or scratch.write(source.upload or b"", source.name)
            annotated = scratch.new_path(".mp4")
            analysis = analyze_clip(
                clip, choice.exercise, choice.side, annotated, progress=progress, source_name=source.name
            )
            video = annotated.read_bytes() if annotated.is_file() else None
    except UserError as exc:
        st.error(str(exc))
        return None
    finally:
        bar.empty()
    return ClipOutcome(analysis, video)


def render(choice: ExerciseChoice) -> None:
    source = _pick_source(choice)
    if source is not None:
        start_early()  # the pose model's process loads while the user reaches for Analyse
    key = (source.key if source else None, choice.exercise, choice.side)
    if source is not None and st.button("Analyse", type="primary"):
        st.session_state["clip_outcome"] = (key, _run(source, choice))
    stored = st.session_state.get("clip_outcome")
    if not stored or stored[0] != key or stored[1] is None:
        return
    outcome: ClipOutcome = stored[1]
    prescription = patient_prescription(choice.patient, choice.exercise)
    show_result(outcome.analysis.result, outcome.analysis.states, prescription)
    if outcome.video:
        # Full width, readable on a phone; reps, hold and cues of the final result as captions.
        st.video(outcome.video, format="video/mp4", subtitles=outcome.analysis.captions or None)
    _downloads_and_save(outcome, source, choice, prescription)


def _printable(outcome: ClipOutcome, patient: str, prescription: Prescription) -> str:
    result = outcome.analysis.result.to_dict()
    chart = angle_of_states(result, outcome.analysis.states, prescription.target_rom_deg, width=PRINT_WIDTH)
    return session_report(result, prescription, patient or "(no name)", datetime.now(), chart, rep_table(result))


def _downloads_and_save(
    outcome: ClipOutcome, source: ClipSource | None, choice: ExerciseChoice, prescription: Prescription
) -> None:
    result = outcome.analysis.result
    printable = _printable(outcome, choice.patient, prescription) if result.reps else None
    upload = None if source is None or source.upload is None else KeepableVideo(source.name, source.upload)
    result_downloads(result, printable)
    save_form(result, choice.patient, upload)
