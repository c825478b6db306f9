"""formcheck's Streamlit app: check a clip, get coached live, or follow a patient's history.

Run with ``streamlit run app.py``. Everything stays on this machine: the app listens on this
computer only (.streamlit/config.toml), uploads are analysed in a private scratch folder that is
deleted right after, and only the results are saved to the local history database (the video
too, only if the user ticks "Keep my video").
"""

from __future__ import annotations

import streamlit as st

from formcheck.private_files import remove_stale_scratch
from formcheck.ui import clip_page, history_page, live_page
from formcheck.ui.common import exercise_picker


@st.cache_resource
def _clean_up_once() -> int:
    """Once per server start: delete scratch folders a killed run left behind."""
    return remove_stale_scratch()


st.set_page_config(page_title="formcheck", page_icon="🦵", layout="wide")
_clean_up_once()
st.title("formcheck")
st.caption(
    "Form feedback for hip-rehab home exercises: glute bridges, clamshells and fire hydrants. "
    "Your video stays on this computer."
)

choice = exercise_picker()
check_tab, live_tab, history_tab = st.tabs(["Check a clip", "Live coaching", "Patient history"])
with check_tab:
    clip_page.render(choice)
with live_tab:
    live_page.render(choice)
with history_tab:
    history_page.render()
