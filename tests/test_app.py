"""The Streamlit app, run headless with Streamlit's own AppTest on a bundled sample video.

Ground truth is the sample's truth file, written by the renderer, not by the analyzer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from formcheck.history import HistoryStore
from formcheck.prescription import Prescription
from tests.made_results import made_result

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_videos" / "bridge_clean_side.mp4"
TRUTH = json.loads(SAMPLE.with_suffix(".truth.json").read_text())


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path))  # history database in a throwaway folder
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    at.run()
    assert not at.exception
    return at


def _analyse_sample(app: AppTest, sample: Path = SAMPLE, exercise: str = "bridge", patient: str = "") -> AppTest:
    app.radio(key="exercise").set_value(exercise).run()
    app.text_input(key="patient").input(patient).run()
    app.radio(key="clip_source").set_value("Use a sample video").run()
    app.selectbox[0].set_value(sample.stem.replace("_", " ")).run()
    next(b for b in app.button if b.label == "Analyse").click().run()
    assert not app.exception
    return app


def _button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def test_the_exercise_and_camera_advice_are_on_the_main_page(app):
    assert not app.sidebar.radio, "a phone folds the sidebar away: nothing needed may live there"
    assert app.radio(key="exercise").value == "bridge"
    assert any("Where to put the camera" in i.value for i in app.info)
    app.radio(key="exercise").set_value("clamshell").run()
    assert any("raised to about 1.4 m" in i.value for i in app.info)
    assert not app.radio(key="side").disabled


def test_sample_clip_is_analysed_against_the_usual_dose_and_saved_once(app):
    n = len(TRUTH["reps"])
    _analyse_sample(app)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Reps"] == f"{n} / 15"  # the seed article's "sets of 15"
    assert metrics["Score"].endswith("/100")
    assert "/ 3 s" in metrics["Mean hold"]
    # A clean clip, but far short of the dose: never called "good" without saying so.
    assert not app.success
    assert any("Not yet at the usual dose" in w.value and f"{n} of 15 reps" in w.value for w in app.warning)
    table = app.dataframe[0].value
    assert list(table["Rep"]) == list(range(1, n + 1))
    assert "Peak angle (°)" in table.columns and "start_s" not in table.columns

    app.text_input(key="patient").input("Test Patient").run()
    _button(app, "Save to patient history").click().run()
    assert any("Saved for Test Patient" in s.value for s in app.success)
    _button(app, "Save to patient history").click().run()
    assert any("already saved" in e.value for e in app.error)
    app.run()
    assert "Test Patient" in app.selectbox(key="history_patient").options
    with HistoryStore() as store:
        assert len(store.sessions("Test Patient")) == 1


def test_the_prescription_sets_the_verdict(app, tmp_path):
    with HistoryStore() as store:
        store.set_prescription("Ana", Prescription("bridge", sets=1, reps=len(TRUTH["reps"]), hold_s=1.5))
    _analyse_sample(app, patient="Ana")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Reps"] == f"{len(TRUTH['reps'])} / {len(TRUTH['reps'])}"
    assert any("your prescription was met" in s.value for s in app.success)
    assert not app.warning


def test_a_clip_with_no_reps_cannot_be_saved(app):
    # The fire-hydrant sample analysed as a glute bridge: nothing to count, nothing to save.
    _analyse_sample(app, ROOT / "sample_videos" / "fire_hydrant_clean_back.mp4", "bridge", "Ben")
    assert app.warning, "the clip is refused in plain words"
    assert all(b.label != "Save to patient history" for b in app.button)
    with HistoryStore() as store:
        assert store.patients() == []


def _saved_history(tmp_path) -> None:
    week1 = made_result("clamshell", [("left", 80, 1.0, ["short_hold"])] + [("left", 80, 1.0, [])] * 3)
    with HistoryStore() as store:
        store.add_session("Cleo", {**week1, "source": "week1.mp4"})
        store.add_session("Cleo", {**week1, "source": "week2.mp4"})
        store.set_prescription("Cleo", Prescription("clamshell", sets=2, reps=10, hold_s=2.0, target_rom_deg=40))


def test_history_shows_progress_against_the_prescription_and_can_delete(app, tmp_path):
    _saved_history(tmp_path)
    app.run()
    app.selectbox(key="history_patient").set_value("Cleo").run()
    assert app.selectbox(key="history_exercise").value == "clamshell"
    assert not app.exception
    (chart,) = app.get("vega_lite_chart")
    tables = [pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in chart.proto.datasets]
    targets = {row["target"] for table in tables for row in table if "target" in row}
    assert targets == {20, 2.0, 40.0}, "prescription lines: 2 x 10 reps, a 2 s hold, a 40° peak"
    (points,) = [t for t in tables if t and "reps" in t[0]]
    assert [p["reps"] for p in points] == [4.0] and points[0]["sessions"] == 2  # both saved on one day
    table = next(d.value for d in app.dataframe if "Clip" in d.value.columns)
    assert sorted(table["Clip"]) == ["week1.mp4", "week2.mp4"]
    assert {"Mean hold (s)", "Score (/100)"} <= set(table.columns)
    assert any("Not yet at your prescription" in w.value and "4 of 20 reps" in w.value for w in app.warning)
    _button(app, "Delete").click().run()
    with HistoryStore() as store:
        assert [r.source for r in store.sessions("Cleo")] == ["week1.mp4"]


def test_a_damaged_database_never_breaks_the_clip_page(app, tmp_path):
    (tmp_path / "history.sqlite3").write_bytes(b"garbage" * 100)
    _analyse_sample(app, patient="Ana")
    assert not app.exception
    assert any("damaged" in e.value for e in app.error)
    assert {m.label for m in app.metric} >= {"Reps", "Score"}  # the result is still shown, against the usual dose


def test_live_tab_waits_for_the_user_to_turn_the_webcam_on(app):
    assert app.toggle(key="use_webcam").value is False
