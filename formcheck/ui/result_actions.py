"""What a person can do with a result, on the clip page and after a live session alike:
download it (JSON, CSV, printable HTML) and save it to a patient's history."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from formcheck.analysis import SessionResult
from formcheck.errors import UserError
from formcheck.history import HistoryStore, data_dir
from formcheck.private_files import keep_video
from formcheck.ui.common import plain


@dataclass(frozen=True)
class KeepableVideo:
    """An upload the user may choose to keep with the saved session (held in memory until then)."""

    name: str
    data: bytes


def result_downloads(result: SessionResult, printable: str | None = None, key: str = "clip") -> None:
    stem = Path(result.source or "formcheck").stem
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "Download results (JSON)", result.to_json(), f"{stem}-result.json", "application/json", key=f"{key}-json"
    )
    c2.download_button("Download reps (CSV)", result.to_csv(), f"{stem}-reps.csv", "text/csv", key=f"{key}-csv")
    if printable is not None:
        c3.download_button("Printable report (HTML)", printable, f"{stem}-report.html", "text/html", key=f"{key}-html")


def save_form(result: SessionResult, patient: str, video: KeepableVideo | None = None, key: str = "clip") -> None:
    """Save to the history: only a result with counted reps, and the video only if asked."""
    if not result.reps:
        st.caption("Only a result with counted reps can be saved to a patient's history.")
        return
    with st.form(f"save_history-{key}", clear_on_submit=False, border=False):
        name = st.text_input("Patient name", value=patient)
        keep = st.checkbox(
            "Keep my video with this session",
            key=f"keep_video-{key}",
            disabled=video is None,
            help="Stored on this computer only, readable by your user account only. "
            "Off: the video is deleted as soon as it has been analysed.",
        )
        if st.form_submit_button("Save to patient history"):
            if not name.strip():
                st.warning("Type the patient's name first.")
            else:
                save(name.strip(), result, video if keep else None)


def save(patient: str, result: SessionResult, video: KeepableVideo | None = None) -> bool:
    kept: Path | None = None
    try:
        if video is not None:
            kept = keep_video(video.data, video.name, data_dir() / "videos")
        with HistoryStore() as store:
            store.add_session(patient, result.to_dict(), video_path=kept)
    except (UserError, OSError) as exc:
        if kept is not None:
            kept.unlink(missing_ok=True)
        st.error(str(exc) if isinstance(exc, UserError) else f"Could not keep the video: {exc.strerror or exc}")
        return False
    st.success(f"Saved for {plain(patient)}." + (" The video was kept with it." if kept else ""))
    return True
