"""The real MediaPipe model on real frames of a person drawn at known joint positions."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from formcheck.landmarks import Landmark
from formcheck.pipeline import run_video
from formcheck.pose import PoseEstimator, PoseModelError, PoseSettings
from formcheck.track import Track
from formcheck.video_io import VideoWriter
from tests.drawn_figure import JOINTS, SIZE, draw_person

BACKGROUND = (214, 220, 206)
# BlazePose joint centres differ from where a drawing puts them by a few pixels; 3% of the
# image height is the project's accuracy target (issue 3) and far below what would move an angle.
TOLERANCE = 0.03


def _errors(pose, expected: dict[str, tuple[float, float]], height: int) -> dict[str, float]:
    pixels = pose.pixels()
    return {name: float(np.hypot(*(pixels[Landmark[name.upper()]] - xy))) / height for name, xy in expected.items()}


def _settle(estimator: PoseEstimator, image: np.ndarray, frames: int = 4):
    """A few frames of the same image, as in a video, so tracking has started."""
    return [estimator.process(image, i / 30) for i in range(frames)]


def test_standing_figure_landmarks_match_drawn_joints():
    with PoseEstimator() as estimator:
        poses = _settle(estimator, draw_person())
    assert all(p.detected for p in poses)
    errors = _errors(poses[-1], JOINTS, SIZE[1])
    assert max(errors.values()) < TOLERANCE, errors
    assert poses[-1].world is not None and poses[-1].world.shape == (33, 3)
    # world landmarks are metres: an adult's hip-to-ankle distance is well under 1.2 m
    leg = np.linalg.norm(poses[-1].world[Landmark.LEFT_HIP] - poses[-1].world[Landmark.LEFT_ANKLE])
    assert 0.4 < leg < 1.2


@pytest.mark.parametrize("turns", [1, 3], ids=["head-left", "head-right"])
def test_lying_figure_is_found_with_the_same_accuracy(turns):
    width, height = SIZE
    upright = draw_person()
    lying = np.ascontiguousarray(np.rot90(upright, turns))  # now width x height becomes height x width
    canvas = np.full((width, height + 160, 3), BACKGROUND, np.uint8)
    canvas[:, 80 : 80 + height] = lying

    def moved(x: float, y: float) -> tuple[float, float]:
        nx, ny = (y, width - 1 - x) if turns == 1 else (height - 1 - y, x)
        return nx + 80, ny

    expected = {name: moved(*xy) for name, xy in JOINTS.items()}
    with PoseEstimator() as estimator:
        poses = _settle(estimator, canvas)
    assert all(p.detected for p in poses)
    errors = _errors(poses[-1], expected, canvas.shape[0])
    # hips and knees are what formcheck scores; allow the drawn ankles a little more
    assert max(errors[k] for k in errors if "ankle" not in k) < TOLERANCE, errors
    assert max(errors.values()) < 0.045, errors


def test_empty_scene_is_an_explicit_no_person():
    with PoseEstimator() as estimator:
        poses = _settle(estimator, np.full((480, 640, 3), BACKGROUND, np.uint8))
    assert not any(p.detected for p in poses)
    assert poses[-1].landmarks is None and poses[-1].num_people == 0


@pytest.mark.parametrize("num_poses", [2, 1], ids=["detector-every-frame", "tracker-and-people-check"])
def test_two_people_are_counted(num_poses):
    person = draw_person()
    with PoseEstimator(PoseSettings(num_poses=num_poses)) as estimator:
        poses = _settle(estimator, np.concatenate([person, person[:, ::-1]], axis=1))
    assert poses[-1].num_people == 2


def test_second_person_entering_and_leaving_is_noticed_while_tracking_one():
    """The tracker follows one person; the periodic people check still sees a second arrive and go."""
    person = draw_person()
    alone = np.concatenate([person, np.full_like(person, BACKGROUND)], axis=1)
    twins = np.concatenate([person, person[:, ::-1]], axis=1)
    settings = PoseSettings(num_poses=1)
    late = settings.people_check_every + settings.people_check_lag  # the longest a change can go unseen
    scenes = [alone] * 10 + [twins] * (late + 5) + [alone] * (late + 5)
    with PoseEstimator(settings) as estimator:
        poses = [estimator.process(image, i / 30) for i, image in enumerate(scenes)]
    counts = [p.num_people for p in poses]
    assert all(p.detected for p in poses)
    assert counts[:10] == [1] * 10, counts
    entered, left = 10, 10 + late + 5
    assert counts[entered + late : left] == [2] * (left - entered - late), counts
    assert counts[left + late :] == [1] * (len(counts) - left - late), counts


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(PoseModelError, match="not found"):
        PoseEstimator(PoseSettings(model_path=tmp_path / "none.task"))


def test_cli_writes_track_and_playable_annotated_video(tmp_path):
    clip = tmp_path / "person.mp4"
    person = draw_person()
    with VideoWriter(clip, fps=15) as writer:
        for i in range(12):
            writer.write(np.roll(person, i * 2, axis=1))  # drifts right 2 px per frame
    track_path, annotated = tmp_path / "track.json", tmp_path / "annotated.mp4"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "formcheck.cli",
            "pose",
            str(clip),
            "--out",
            str(track_path),
            "--annotated",
            str(annotated),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    track = Track.load(track_path)
    assert len(track.frames) == 12 and track.detection_rate == 1.0
    hip_x = [f.pixel(Landmark.LEFT_HIP)[0] for f in track.frames]
    assert hip_x[-1] - hip_x[0] == pytest.approx(22, abs=6)  # follows the drift

    import av

    with av.open(str(annotated)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(frames) == 12 and frames[0].shape == (640, 480, 3)
    # the skeleton is drawn: the annotated frame differs from the source near the left hip
    x, y = (int(v) for v in track.frames[0].pixel(Landmark.LEFT_HIP))
    patch = (slice(y - 6, y + 6), slice(x - 6, x + 6))
    assert np.abs(frames[0][patch].astype(int) - person[patch].astype(int)).mean() > 20


@pytest.mark.parametrize(
    "name,content,message",
    [("missing.mp4", None, "not found"), ("empty.mov", b"", "empty"), ("notes.mp4", b"hello " * 100, "not a video")],
    ids=["missing", "empty", "not-a-video"],
)
def test_cli_bad_input_is_one_line_not_a_traceback(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    done = subprocess.run(
        [sys.executable, "-m", "formcheck.cli", "pose", str(path), "--out", str(tmp_path / "t.json"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert not (tmp_path / "t.json").exists()


def test_live_mode_times_frames_by_arrival():
    person = draw_person()
    with PoseEstimator(PoseSettings(mode="live")) as estimator:
        poses = [estimator.process(person) for _ in range(3)]
    assert all(p.detected for p in poses)
    times = [p.timestamp_s for p in poses]
    assert times[0] == 0.0 and times[0] < times[1] < times[2]
    with PoseEstimator() as estimator, pytest.raises(ValueError, match="timestamp"):
        estimator.process(person)


def _far_person(canvas_width: int = 960, scale: float = 0.25) -> tuple[np.ndarray, dict[str, np.ndarray], float]:
    """The drawn figure at a quarter size in a 4:3 picture (a phone far away with a wide lens):
    the image, where its joints now are, and its height in pixels."""
    small = cv2.resize(draw_person(), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    width, height = canvas_width, canvas_width * 3 // 4
    canvas = np.full((height, width, 3), BACKGROUND, np.uint8)
    x0, y0 = int(width * 0.6), int(height * 0.5)
    canvas[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
    joints = {name: np.array(xy) * scale + [x0, y0] for name, xy in JOINTS.items()}
    return canvas, joints, SIZE[1] * scale


def test_a_person_too_small_for_the_detector_is_found_by_zooming_in():
    image, joints, person_px = _far_person()
    with PoseEstimator(PoseSettings(zoom=None)) as estimator:
        unzoomed = [estimator.process(image, i / 30) for i in range(20)]
    assert not any(p.detected for p in unzoomed)  # the case the zoom exists for
    settings = PoseSettings()
    assert settings.zoom is not None
    with PoseEstimator(settings) as estimator:
        poses = [estimator.process(image, i / 30) for i in range(20)]
        assert estimator.zoomed is not None
    found = [i for i, p in enumerate(poses) if p.detected]
    # Searched after `after_misses` empty frames; tracked in the crop from the next frame on.
    assert found == list(range(settings.zoom.after_misses, 20)), found
    pose = poses[-1]
    assert pose.image_size == (image.shape[1], image.shape[0])  # landmarks are in the whole frame
    errors = {n: float(np.hypot(*(pose.pixels()[Landmark[n.upper()]] - xy))) / person_px for n, xy in joints.items()}
    assert max(errors.values()) < TOLERANCE, errors


def _zoom_in_on(estimator: PoseEstimator, far: np.ndarray) -> None:
    """15 frames of a far person: the search has run and the tracker follows them in a crop."""
    for i in range(15):
        estimator.process(far, i / 30)
    assert estimator.zoomed is not None


def test_the_zoom_is_given_up_when_the_person_is_gone():
    image, _, _ = _far_person()
    empty = np.full_like(image, BACKGROUND)
    settings = PoseSettings()
    assert settings.zoom is not None
    with PoseEstimator(settings) as estimator:
        _zoom_in_on(estimator, image)
        for i in range(15, 15 + settings.zoom.drop_after_misses):
            assert not estimator.process(empty, i / 30).detected
        assert estimator.zoomed is None


def test_the_zoom_hands_back_to_the_whole_frame_once_it_finds_the_person_there():
    """A crop is only a rescue: on renders, tracking in a crop counted worse than the whole frame."""
    far, _, _ = _far_person()
    near, joints, _ = _far_person(scale=0.4)  # a step closer: the whole frame finds them now, and so does the crop
    with PoseEstimator(PoseSettings(zoom=None)) as estimator:
        assert all(estimator.process(near, i / 30).detected for i in range(5))
    settings = PoseSettings()
    assert settings.zoom is not None
    with PoseEstimator(settings) as estimator:
        _zoom_in_on(estimator, far)
        late = settings.people_check_every + settings.people_check_lag + 1  # the longest the check can take
        poses, zoomed = [], []
        for i in range(late + 10):
            poses.append(estimator.process(near, (15 + i) / 30))
            zoomed.append(estimator.zoomed is not None)
    assert not zoomed[-1]
    switch = zoomed.index(False)
    # Tracked in the whole frame from the switch on, without losing a frame to it.
    assert all(p.detected for p in poses[switch:]), [p.detected for p in poses]
    assert float(np.hypot(*(poses[-1].pixel(Landmark.LEFT_HIP) - joints["left_hip"]))) < TOLERANCE * SIZE[1]


def test_a_clip_of_a_far_person_warns_that_it_had_to_zoom_in(tmp_path):
    far, _, _ = _far_person()
    clip = tmp_path / "far.mp4"
    with VideoWriter(clip, fps=30.0) as writer:
        for _ in range(40):
            writer.write(far)
    track = run_video(clip)
    assert sum(f.detected for f in track.frames) >= 25  # found by zooming in after 10 empty frames
    assert any("zoom in" in w for w in track.warnings), track.warnings
    near, _, _ = _far_person(scale=0.45)  # found in the whole frame: no such warning
    clip = tmp_path / "near.mp4"
    with VideoWriter(clip, fps=30.0) as writer:
        for _ in range(20):
            writer.write(near)
    track = run_video(clip)
    assert all(f.detected for f in track.frames)
    assert not any("zoom in" in w for w in track.warnings), track.warnings
