"""The real-footage manifest is well formed (the clips themselves are not in the repository).

benchmarks/real_footage.py runs formcheck on the clips; this only checks the hand labels are
consistent, so a typo in a label cannot silently skew the benchmark.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

MANIFEST = Path(__file__).resolve().parent.parent / "benchmarks" / "real" / "manifest.json"
EXERCISES = {"bridge", "clamshell", "fire_hydrant"}
CLIPS = json.loads(MANIFEST.read_text())["clips"]


def test_ids_are_unique_and_files_named_after_them():
    ids = [c["id"] for c in CLIPS]
    assert len(ids) == len(set(ids))
    for clip in CLIPS:
        ext = ".mp4" if clip.get("derived") else Path(clip["source"]["path"]).suffix.lower()
        assert clip["file"] == clip["id"] + ext


@pytest.mark.parametrize("clip", CLIPS, ids=[c["id"] for c in CLIPS])
def test_source_is_pinned(clip):
    src = clip["source"]
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", src["repo"])
    assert re.fullmatch(r"[0-9a-f]{40}", src["commit"])
    assert re.fullmatch(r"[0-9a-f]{40}", src["blob"])
    assert re.fullmatch(r"[0-9a-f]{64}", src["sha256"])
    assert src["path"] and src["licence"]


@pytest.mark.parametrize("clip", CLIPS, ids=[c["id"] for c in CLIPS])
def test_labels_are_consistent(clip):
    labels, duration = clip["labels"], clip["media"]["duration_s"]
    assert labels["analyse_as"] in EXERCISES
    if labels["exercise"] == "lookalike":
        assert labels["reps"] == {} and labels["rep_times"] == []
        assert labels["lookalike"] and labels["lookalike_words"]
        return
    assert labels["exercise"] in EXERCISES and labels["analyse_as"] == labels["exercise"]
    reps = labels["rep_times"]
    assert sum(labels["reps"].values()) == len(reps) > 0
    for side, n in labels["reps"].items():
        assert n == sum(r["side"] == side for r in reps)
    end = 0.0
    for r in reps:
        assert end <= r["start_s"] <= r["top_start_s"] <= r["top_end_s"] <= r["end_s"] <= duration + 0.05
        end = r["end_s"]


def test_derived_clips_mirror_an_original():
    by_id = {c["id"]: c for c in CLIPS}
    swap = {"left": "right", "right": "left", "both": "both"}
    for clip in CLIPS:
        derived = clip.get("derived")
        if not derived:
            continue
        assert derived["transform"] == "hflip"
        original = by_id[derived["from"]]
        assert original["source"]["sha256"] == clip["source"]["sha256"]
        assert clip["labels"]["reps"] == {swap[s]: n for s, n in original["labels"]["reps"].items()}
