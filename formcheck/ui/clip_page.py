"""The "Check a clip" tab: pick a sample or upload a clip, analyse it, show the results."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from formcheck.analysis import SessionResult
from formcheck.clip_analysis import ClipAnalysis, analyze_clip
from formcheck.errors import UserError
from formcheck.history import HistoryStore
from formcheck.ui.common import ExerciseChoice
from formcheck.ui.report import show_result

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_videos"
UPLOAD_TYPES = ["mp4", "mov", "m4v", "webm", "avi", "mkv", "gif"]
WORK_DIR = Path(tempfile.gettempdir()) / "formcheck-app"  # local only; never uploaded anywhere


def _samples() -> dict[str, Path]:
    return {p.stem.replace("_", " "): p for p in sorted(SAMPLE_DIR.glob("*.mp4"))}


def _pick_source(choice: ExerciseChoice) -> Path | None:
    source = st.radio("Clip", ["Upload my clip", "Use a sample video"], horizontal=True, key="clip_source")
    if source == "Use a sample video":
        samples = _samples()
        if not samples:
            st.warning("No sample videos found in sample_videos/.")
            return None
        names = list(samples)
        preferred = [n for n in names if n.startswith(choice.exercise.replace("_", " "))]
        name = st.selectbox("Sample", names, index=names.index(preferred[0]) if preferred else 0)
        return samples[name]
    upload = st.file_uploader("Your exercise clip", type=UPLOAD_TYPES, help="Stays on this computer.")
    if upload is None:
        return None
    data = upload.getvalue()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:16]
    path = WORK_DIR / f"upload-{digest}{Path(upload.name).suffix.lower()}"
    if not path.exists():
        path.write_bytes(data)
    return path


def _run(path: Path, choice: ExerciseChoice) -> ClipAnalysis | None:
    bar = st.progress(0.0, text="Finding your body in each frame…")
    stage = {"name": "Analysing", "last": 0}

    def progress(done: int, total: int | None) -> None:
        if done < stage["last"]:  # the second pass: drawing the annotated video
            stage["name"] = "Drawing the video:"
        stage["last"] = done
        if total:
            bar.progress(min(done / total, 1.0), text=f"{stage['name']} frame {done} of {total}…")

    annotated = WORK_DIR / f"{path.stem}-{choice.exercise}-annotated.mp4"
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    try:
        analysis = analyze_clip(path, choice.exercise, choice.side, annotated, progress=progress)
    except UserError as exc:
        bar.empty()
        st.error(str(exc))
        return None
    bar.empty()
    st.session_state["annotated_path"] = str(annotated)
    return analysis


def render(choice: ExerciseChoice) -> None:
    path = _pick_source(choice)
    key = (str(path), choice.exercise, choice.side)
    if path is not None and st.button("Analyse", type="primary"):
        analysis = _run(path, choice)
        st.session_state["clip_analysis"] = (key, analysis)
    stored = st.session_state.get("clip_analysis")
    if not stored or stored[0] != key or stored[1] is None:
        return
    analysis: ClipAnalysis = stored[1]
    left, right = st.columns([3, 2])
    with right:
        annotated = Path(st.session_state.get("annotated_path", ""))
        if annotated.is_file():
            st.video(annotated.read_bytes(), format="video/mp4")
    with left:
        show_result(analysis.result, analysis.states)
    _downloads_and_save(analysis.result)


def _downloads_and_save(result: SessionResult) -> None:
    c1, c2, c3 = st.columns(3)
    c1.download_button("Download results (JSON)", result.to_json(), "formcheck-result.json", "application/json")
    c2.download_button("Download reps (CSV)", result.to_csv(), "formcheck-reps.csv", "text/csv")
    with c3.form("save_history", clear_on_submit=False, border=False):
        patient = st.text_input("Patient name", key="patient_name")
        if st.form_submit_button("Save to patient history"):
            if not patient.strip():
                st.warning("Type the patient's name first.")
            else:
                with HistoryStore() as store:
                    store.add_session(patient, result.to_dict())
                st.success(f"Saved for {patient.strip()}.")
