"""The Streamlit app, run headless with Streamlit's own AppTest on a bundled sample video.

Ground truth is the sample's truth file, written by the renderer, not by the analyzer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_videos" / "bridge_clean_side.mp4"


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path))  # history database in a throwaway folder
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    assert not at.exception
    return at


def test_sample_clip_is_analysed_and_saved_to_history(app):
    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text())
    app.radio(key="exercise").set_value("bridge").run()
    app.radio(key="clip_source").set_value("Use a sample video").run()
    app.selectbox[0].set_value(SAMPLE.stem.replace("_", " ")).run()
    app.button[0].click().run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Reps"].split(" / ")[0] == str(len(truth["reps"]))
    assert len(app.dataframe) == 1 and len(app.dataframe[0].value) == len(truth["reps"])
    assert not app.warning  # a clean clip: no camera or form warnings

    app.text_input(key="patient_name").input("Test Patient")
    next(b for b in app.button if b.label == "Save to patient history").click().run()
    assert not app.exception
    assert any("Saved for Test Patient" in s.value for s in app.success)
    app.run()
    assert "Test Patient" in app.selectbox[-1].options  # history tab lists the patient


def test_live_tab_waits_for_the_user_to_turn_the_webcam_on(app):
    assert app.toggle(key="use_webcam").value is False
