"""Bad input gets a clear message and loses nothing: non-video uploads, a second person in view."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis import Analyzer
from formcheck.clip_analysis import analyze_clip
from formcheck.errors import UserError
from formcheck.pose import PoseEstimator, PoseSettings
from formcheck.video_io import read_frames

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"


@pytest.mark.parametrize("name,content", [("holiday.mp4", b"\x00\x01garbage" * 500), ("notes.mov", b"")])
def test_corrupt_upload_is_a_user_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError) as caught:
        analyze_clip(path, "bridge", annotated_path=tmp_path / "out.mp4")
    assert name in str(caught.value)


@pytest.mark.parametrize("num_poses", [2, 1], ids=["detector-every-frame", "tracker-and-people-check"])
def test_second_person_is_named_and_reps_still_counted(num_poses):
    clip = SAMPLES / "clamshell_clean_front.mp4"
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    analyzer = Analyzer("clamshell")
    cues = set()
    with PoseEstimator(PoseSettings(num_poses=num_poses)) as estimator:
        for frame in read_frames(clip):
            twins = np.concatenate([frame.image, frame.image[:, ::-1]], axis=1)  # a mirrored second person
            state = analyzer.update(estimator.process(twins, frame.timestamp_s))
            cues.add(state.cue_code)
    result = analyzer.finish()
    assert "people" in cues
    assert result.message and "more than one person" in result.message
    # The mirror image works the other leg and is the same size, so either may be followed:
    # the count, not the side, is what must survive the second person.
    assert sum(result.rep_counts.values()) == len(truth["reps"])
