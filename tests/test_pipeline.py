"""The file pipeline: `analyze --annotated` decodes the clip once, draws while the model runs,
and captions the final result."""

from __future__ import annotations

import json
import re
from pathlib import Path

import av
import numpy as np
import pytest

from formcheck import video_io
from formcheck.analysis.overlay import draw_measures
from formcheck.clip_analysis import analyze_clip
from formcheck.streams import SpooledRecords

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"
CUE = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)(.*)\n(.*(?:\n.+)*)")


def _decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def parse_vtt(text: str) -> list[tuple[float, float, str, str]]:
    """(start s, end s, settings, text) of each cue."""
    assert text.startswith("WEBVTT\n")
    out = []
    for m in CUE.finditer(text):
        g = [int(x) for x in m.groups()[:8]]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        out.append((start, end, m.group(9).strip(), m.group(10)))
    return out


def top_text_at(cues: list[tuple[float, float, str, str]], t: float) -> str:
    texts = [text for start, end, settings, text in cues if "line:0" in settings and start <= t < end]
    assert len(texts) == 1, (t, texts)
    return texts[0]


@pytest.mark.slow
def test_annotated_analysis_decodes_once_draws_the_picture_and_captions_the_final_reps(tmp_path, monkeypatch):
    clip = SAMPLES / "bridge_clean_side.mp4"
    truth = json.loads((SAMPLES / "bridge_clean_side.truth.json").read_text())
    source = _decode(clip)
    decoded = []
    real_rgb = video_io._rgb
    monkeypatch.setattr(video_io, "_rgb", lambda frame: decoded.append(1) or real_rgb(frame))

    out = tmp_path / "annotated.mp4"
    analysis = analyze_clip(clip, "bridge", annotated_path=out)

    assert len(decoded) == len(source)  # every frame decoded exactly once
    annotated = _decode(out)
    assert len(annotated) == len(source) and annotated[0].shape == source[0].shape
    # The picture: skeleton, hip line and key angle of each frame, and no band over the image.
    i = len(source) // 2
    right = draw_measures(source[i], analysis.track.frames[i], analysis.states[i])
    assert np.abs(right.astype(int) - source[i].astype(int)).max(axis=2).sum() > 0  # something is drawn
    assert np.abs(annotated[i].astype(int) - right.astype(int)).mean() < 3.0
    assert np.abs(annotated[i][:20].astype(int) - source[i][:20].astype(int)).mean() < 3.0

    # The captions: the renderer's reps, counted when each ends, as the report counts them.
    cues = parse_vtt(analysis.captions or "")
    fps = truth["fps"]
    reps = truth["reps"]
    assert len(analysis.result.reps) == len(reps)
    assert top_text_at(cues, 0.5).startswith("Reps 0")
    assert top_text_at(cues, reps[0]["end_s"] + 0.5).startswith("Reps 1")
    assert top_text_at(cues, (len(source) - 1) / fps).startswith(f"Reps {len(reps)}")
    held = top_text_at(cues, reps[0]["top_s"] + 1.5)  # 1.5 s into a 2 s hold
    assert 0.9 <= float(re.search(r"Hold (\d+\.\d) s", held).group(1)) <= 2.0
    assert max(end for _, end, _, _ in cues) == pytest.approx(len(source) / fps, abs=1e-3)


def test_spooled_records_come_back_in_order():
    with SpooledRecords[dict]() as spooled:
        for i in range(50):
            spooled.put({"index": i, "text": "x" * i})
        back = list(spooled.items())
        assert len(spooled) == 50
    assert back == [{"index": i, "text": "x" * i} for i in range(50)]


def test_spooled_records_refuse_records_after_reading_started():
    with SpooledRecords[int]() as spooled:
        spooled.put(1)
        assert list(spooled.items()) == [1]
        with pytest.raises(ValueError):
            spooled.put(2)
