"""formcheck's Streamlit app: check a clip, get coached live, or follow a patient's history.

Run with ``streamlit run app.py``. Everything stays on this machine: uploads are analysed
locally and only the results (never the video) are saved to the local history database.
"""

from __future__ import annotations

import streamlit as st

from formcheck.ui import clip_page, history_page, live_page
from formcheck.ui.common import exercise_picker

st.set_page_config(page_title="formcheck", page_icon="🦵", layout="wide")
st.title("formcheck")
st.caption(
    "Form feedback for hip-rehab home exercises: glute bridges, clamshells and fire hydrants. "
    "Your video stays on this computer."
)

with st.sidebar:
    choice = exercise_picker()

check_tab, live_tab, history_tab = st.tabs(["Check a clip", "Live coaching", "Patient history"])
with check_tab:
    clip_page.render(choice)
with live_tab:
    live_page.render(choice)
with history_tab:
    history_page.render()
