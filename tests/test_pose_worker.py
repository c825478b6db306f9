"""The pose model in its own process: the same poses as in this one, errors that reach the
caller, and a worker that survives a clip stopped early and is replaced after a crash."""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck import pose_worker
from formcheck.pose import PoseEstimator, PoseModelError, PoseSettings
from formcheck.pose_worker import PoseWorker, PoseWorkerError
from formcheck.video_io import read_frames

SAMPLE = Path(__file__).resolve().parent.parent / "sample_videos" / "bridge_clean_side.mp4"
FRAMES = 45  # 1.5 s: the person is found and tracked, and the people check has run once


def _frames(count: int = FRAMES):
    return list(itertools.islice(read_frames(SAMPLE), count))


def _same(a, b) -> bool:
    if a.landmarks is None or b.landmarks is None:
        return a.landmarks is None and b.landmarks is None
    return bool(np.array_equal(a.landmarks, b.landmarks) and np.array_equal(a.world, b.world))


def test_worker_gives_the_poses_the_estimator_gives_here():
    frames = _frames()
    with PoseEstimator() as estimator:
        here = [estimator.process(f.image, f.timestamp_s) for f in frames]
    with PoseWorker() as worker:
        there = list(worker.poses(frames))
    assert [f.index for f, _ in there] == [f.index for f in frames]  # in order, none dropped
    assert sum(p.detected for p in here) >= FRAMES - 2
    assert all(_same(a, b) for a, (_, b) in zip(here, there, strict=True))
    assert [p.num_people for p in here] == [p.num_people for _, p in there]


def test_a_clip_stopped_early_leaves_the_worker_ready_for_the_next(monkeypatch):
    frames = _frames()
    with PoseWorker() as worker:
        pid = worker.pid
        for done, _ in enumerate(worker.poses(frames), start=1):
            if done == 5:
                break  # three more frames are still in the worker
    with PoseWorker() as worker:
        assert worker.pid == pid  # the same process, reused
        poses = [p for _, p in worker.poses(frames[:10])]
    with PoseEstimator() as estimator:
        fresh = [estimator.process(f.image, f.timestamp_s) for f in frames[:10]]
    assert all(_same(a, b) for a, b in zip(poses, fresh, strict=True))  # a fresh tracker per clip


def test_a_missing_model_is_reported_as_the_estimator_reports_it(tmp_path):
    with pytest.raises(PoseModelError, match="Pose model not found"):
        PoseWorker(PoseSettings(model_path=tmp_path / "none.task"))
    with PoseWorker() as worker:  # and the next clip still works
        assert sum(p.detected for _, p in worker.poses(_frames(8))) >= 6


def test_the_model_path_is_read_from_this_process_environment(tmp_path, monkeypatch):
    pose_worker.start_early()  # an idle worker whose environment predates the change below
    monkeypatch.setenv("FORMCHECK_POSE_MODEL", str(tmp_path / "other.task"))
    with pytest.raises(PoseModelError, match="other.task"):
        PoseWorker()


@pytest.mark.parametrize("posed_before", [0, 1], ids=["while-sending", "while-receiving"])
def test_a_worker_that_dies_gives_a_plain_message_and_is_replaced(posed_before):
    frames = _frames(20)
    with PoseWorker() as worker:
        poses = worker.poses(frames)
        for _ in range(posed_before):
            next(poses)
        os.kill(worker.pid, signal.SIGKILL)
        time.sleep(0.5)  # gone before the next send (or receive)
        with pytest.raises(PoseWorkerError, match="stopped unexpectedly"):
            list(poses)
    with PoseWorker() as worker:
        assert sum(p.detected for _, p in worker.poses(frames)) >= 18
