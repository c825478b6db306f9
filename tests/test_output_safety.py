"""No input is ever overwritten, output problems are found before the model runs, and every
output is written whole or not at all (the reliability review's input-safety findings)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.output_files import OutputPathError, atomic_output, check_outputs, write_text_atomic
from formcheck.synth import SynthSpec, simulate
from formcheck.track import Track
from formcheck.video_io import VideoWriter, read_frames

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"
CLIP = SAMPLES / "bridge_clean_side.mp4"


@pytest.fixture
def clip(tmp_path) -> Path:
    path = tmp_path / "v.mp4"
    shutil.copy(CLIP, path)
    return path


@pytest.fixture
def track(tmp_path) -> Path:
    """A real track file (exact renderer landmarks), analysed in a second: no model run needed."""
    truth = simulate(SynthSpec(exercise="bridge", view="side", reps=2, hold_s=1.5, width=480, height=360))
    return Track(truth.to_pose_frames(), (480, 360), 30.0, source="bridge.mp4").save(tmp_path / "t.json")


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    last = err.splitlines()[-1]
    assert last.startswith("formcheck: error: ")
    return last


def _fingerprint(path: Path) -> tuple[int, bytes]:
    data = path.read_bytes()
    return len(data), data[:4096] + data[-4096:]


@pytest.mark.parametrize("command", ["pose", "analyze"])
def test_the_annotated_video_may_not_overwrite_the_input_video(clip, capsys, command):
    before = _fingerprint(clip)
    args = [command, str(clip), "--annotated", str(clip), "--quiet"]
    args += ["--out", str(clip.with_suffix(".json"))] if command == "pose" else ["--exercise", "bridge"]
    assert main(args) == 2
    assert "is the input file" in _one_line_error(capsys)
    assert _fingerprint(clip) == before


def test_a_symlink_to_the_input_is_the_input(clip, capsys):
    link = clip.with_name("link.mp4")
    link.symlink_to(clip.name)
    before = _fingerprint(clip)
    assert main(["analyze", str(clip), "--exercise", "bridge", "--annotated", str(link), "--quiet"]) == 2
    assert "is the input file" in _one_line_error(capsys)
    assert _fingerprint(clip) == before and link.is_symlink()


def test_a_hard_link_to_the_input_is_the_input(clip, capsys):
    other = clip.with_name("same.mp4")
    os.link(clip, other)
    assert main(["pose", str(clip), "--out", str(clip.with_suffix(".json")), "--annotated", str(other)]) == 2
    assert "is the input file" in _one_line_error(capsys)


def test_analyze_refuses_to_write_its_json_over_the_input_track(track, capsys):
    before = track.read_bytes()
    assert main(["analyze", str(track), "--exercise", "bridge", "--json", str(track), "--quiet"]) == 2
    assert "is the input file" in _one_line_error(capsys)
    assert track.read_bytes() == before


def test_two_outputs_may_not_be_one_file(tmp_path):
    out = tmp_path / "r.json"
    (tmp_path / "r2.json").symlink_to(out)
    with pytest.raises(OutputPathError, match="same file"):
        check_outputs({"--json": out, "--other": tmp_path / "r2.json"})


@pytest.mark.parametrize(
    "where,expected",
    [
        ("folder", "is a folder"),
        ("under_a_file", "is a file, not a folder"),
        ("proc", "cannot write"),  # /proc takes no new files, even for root
    ],
)
def test_unwritable_outputs_fail_before_the_model_runs(clip, tmp_path, capsys, where, expected):
    target = {
        "folder": tmp_path / "out.json",
        "under_a_file": clip / "t.json",
        "proc": Path("/proc/formcheck-test.json"),
    }[where]
    if where == "folder":
        target.mkdir()
    # The whole clip would take the pose model ~10 s; the refusal must come before it.
    start = time.monotonic()
    assert main(["pose", str(clip), "--out", str(target), "--quiet"]) == 2
    assert time.monotonic() - start < 5
    assert expected in _one_line_error(capsys)


def test_a_device_file_is_never_an_output(tmp_path):
    with pytest.raises(OutputPathError, match="not a regular file"):
        check_outputs({"--annotated": Path("/dev/null")})


def test_missing_folders_are_created_for_every_output(track, tmp_path, capsys):
    json_out, csv_out = tmp_path / "a" / "b" / "r.json", tmp_path / "c" / "r.csv"
    assert main(["analyze", str(track), "--exercise", "bridge", "--json", str(json_out), "--csv", str(csv_out)]) == 0
    assert json_out.is_file() and csv_out.is_file()
    assert not list(tmp_path.rglob(".*tmp*")), "no temporary file is left behind"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("the old result")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("half a res")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "the old result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]
    write_text_atomic(target, "the new result")
    assert target.read_text() == "the new result"


def test_an_aborted_video_leaves_nothing(tmp_path):
    out = tmp_path / "a.mp4"
    with contextlib.suppress(RuntimeError), VideoWriter(out, fps=10) as writer:
        writer.write(np.zeros((32, 32, 3), np.uint8))
        raise RuntimeError("stopped")
    assert list(tmp_path.iterdir()) == []


def test_two_writers_to_one_name_leave_one_whole_video(tmp_path):
    out = tmp_path / "annotated.mp4"
    errors: list[BaseException] = []

    def write(shade: int) -> None:
        try:
            with VideoWriter(out, fps=10) as writer:
                for _ in range(20):
                    writer.write(np.full((64, 64, 3), shade, np.uint8))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s,)) for s in (40, 200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    frames = list(read_frames(out))
    assert len(frames) == 20
    shades = {int(round(float(f.image.mean()), -1)) for f in frames}
    assert len(shades) == 1, "frames of the two writers are not mixed"


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir(exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)]).returncode == 0


def test_a_full_disk_is_one_line_and_leaves_nothing(clip, tmp_path, capsys):
    full = tmp_path / "full"
    if not _tmpfs(full, "48k"):
        pytest.skip("needs root to mount a tiny tmpfs (CI runs as root)")
    try:
        assert main(["analyze", str(clip), "--exercise", "bridge", "--annotated", str(full / "a.mp4"), "--quiet"]) == 2
        line = _one_line_error(capsys)
        assert "disk is full" in line or "No space left" in line
        assert list(full.iterdir()) == []
    finally:
        subprocess.run(["umount", str(full)], check=False)
