"""Video in/out: H.264 output, phone rotation, variable frame rate and bad inputs.

Ground truth is independent of formcheck's reader: ffmpeg's own decoder (with its
autorotate) and the timestamps the test itself wrote.
"""

from __future__ import annotations

import fractions
import subprocess

import av
import imageio_ffmpeg
import numpy as np
import pytest

from formcheck.video_io import VideoInputError, VideoWriter, probe, read_frames

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def _marker_frame(width: int = 160, height: int = 120) -> np.ndarray:
    """Black frame with a red block in the top-left corner, so orientation is visible."""
    image = np.zeros((height, width, 3), np.uint8)
    image[: height // 4, : width // 4] = (255, 0, 0)
    return image


def _ffmpeg_decode_first(path, width: int, height: int) -> np.ndarray:
    raw = subprocess.run(
        [FFMPEG, "-loglevel", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(height, width, 3)


def test_writer_makes_browser_playable_h264(tmp_path):
    path = tmp_path / "out.mp4"
    with VideoWriter(path, fps=25) as writer:
        for i in range(37):
            frame = np.zeros((121, 161, 3), np.uint8)  # odd size: must be padded to even
            frame[:, i * 4 : i * 4 + 8] = 255
            writer.write(frame)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        decoded = [f for f in container.decode(stream)]
    assert len(decoded) == 37
    assert (decoded[0].width, decoded[0].height) == (162, 122)
    # faststart: the index (moov) comes before the media data (mdat)
    head = path.read_bytes()
    assert head.find(b"moov") < head.find(b"mdat")


def test_reads_back_what_was_written(tmp_path):
    path = tmp_path / "clip.mp4"
    with VideoWriter(path, fps=10) as writer:
        for _ in range(5):
            writer.write(_marker_frame())
    frames = list(read_frames(path))
    assert len(frames) == 5
    assert [round(f.timestamp_s, 3) for f in frames] == [0.0, 0.1, 0.2, 0.3, 0.4]
    assert frames[0].image.shape == (120, 160, 3)
    assert frames[0].image[5, 5, 0] > 200 and frames[0].image[100, 150, 0] < 50


@pytest.mark.parametrize("rotation", [90, 270, 180])
def test_phone_rotation_is_applied_like_ffmpeg(tmp_path, rotation):
    upright = tmp_path / "upright.mp4"
    with VideoWriter(upright, fps=10) as writer:
        for _ in range(3):
            writer.write(_marker_frame())
    rotated = tmp_path / "rotated.mp4"
    subprocess.run(
        [
            FFMPEG,
            "-y",
            "-loglevel",
            "error",
            "-display_rotation",
            str(rotation),
            "-i",
            str(upright),
            "-c",
            "copy",
            str(rotated),
        ],
        check=True,
    )
    info = probe(rotated)
    assert info.rotation == rotation
    expected_size = (120, 160) if rotation in (90, 270) else (160, 120)
    assert (info.width, info.height) == expected_size
    ours = next(read_frames(rotated)).image
    reference = _ffmpeg_decode_first(rotated, *expected_size)  # ffmpeg autorotates
    assert ours.shape == reference.shape
    assert np.abs(ours.astype(int) - reference.astype(int)).mean() < 2.0


def test_variable_frame_rate_keeps_real_times(tmp_path):
    times_ms = [0, 33, 66, 150, 200, 400, 433, 466, 700, 1000]
    path = tmp_path / "vfr.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.codec_context.time_base = fractions.Fraction(1, 1000)
        for i, t in enumerate(times_ms):
            frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), i * 20, np.uint8), format="rgb24")
            frame.pts, frame.time_base = t, fractions.Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    got = [f.timestamp_s for f in read_frames(path)]
    assert got == pytest.approx([t / 1000 for t in times_ms], abs=1e-3)


@pytest.mark.parametrize("suffix,writer", [(".png", "png"), (".jpg", "mjpeg")])
def test_still_image_is_one_frame(tmp_path, suffix, writer):
    import cv2

    path = tmp_path / f"still{suffix}"
    cv2.imwrite(str(path), cv2.cvtColor(_marker_frame(), cv2.COLOR_RGB2BGR))
    frames = list(read_frames(path))
    assert len(frames) == 1
    assert frames[0].timestamp_s == 0.0
    assert frames[0].image.shape == (120, 160, 3)
    assert frames[0].image[5, 5, 0] > 200


@pytest.mark.parametrize("container_format", ["webm", "avi", "gif", "mov"])
def test_other_containers(tmp_path, container_format):
    src = tmp_path / "src.mp4"
    with VideoWriter(src, fps=10) as writer:
        for _ in range(4):
            writer.write(_marker_frame())
    out = tmp_path / f"clip.{container_format}"
    subprocess.run([FFMPEG, "-y", "-loglevel", "error", "-i", str(src), str(out)], check=True)
    frames = list(read_frames(out))
    assert len(frames) == 4
    assert frames[0].image.shape == (120, 160, 3)


def test_bad_inputs_have_plain_messages(tmp_path):
    missing = tmp_path / "nope.mp4"
    with pytest.raises(VideoInputError, match="not found"):
        list(read_frames(missing))
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(VideoInputError, match="empty"):
        list(read_frames(empty))
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 20)
    with pytest.raises(VideoInputError, match="not a video"):
        list(read_frames(text))
    with pytest.raises(VideoInputError, match="folder"):
        list(read_frames(tmp_path))


def test_truncated_clip_keeps_decodable_frames(tmp_path):
    path = tmp_path / "clip.mp4"
    with VideoWriter(path, fps=10) as writer:
        for i in range(30):
            writer.write(np.full((120, 160, 3), i * 8, np.uint8))
    data = path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])  # faststart: moov first, media half missing
    try:
        frames = list(read_frames(cut))
    except VideoInputError as exc:  # acceptable: a clear message instead of a crash
        assert "cut.mp4" in str(exc)
    else:
        assert 0 < len(frames) <= 30
