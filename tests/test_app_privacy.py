"""Patient data stays on this computer: the app listens on loopback only and calls nobody, an upload
is deleted as soon as it has been analysed (kept, owner-only, only when the user asks), names are
shown as typed, and a damaged history database is a plain message in the page."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from formcheck.private_files import SCRATCH_PREFIX, ScratchFolder, keep_video, remove_stale_scratch
from tests.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, require_browser, streamlit_server

SAMPLE = ROOT / "sample_videos" / "bridge_clean_side.mp4"


def test_the_app_config_is_local_only_and_shows_no_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"


class _Listener:
    """A local stand-in for every proxy: it records whoever tries to reach the outside world."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.requests.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    self.requests.append(b"(connected)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the LISTEN sockets on ``port``, read from the kernel (no traffic sent)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":
                found.add(address)
    return found


def test_the_app_listens_on_loopback_only_and_calls_nobody_at_start(tmp_path):
    listener = _Listener()
    proxy = f"http://127.0.0.1:{listener.port}"
    env = {k: proxy for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")}
    env.update(NO_PROXY="", no_proxy="")
    try:
        with streamlit_server(tmp_path / "data", env=env) as url:
            port = int(url.rsplit(":", 1)[1])
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            assert opener.open(f"{url}/_stcore/health", timeout=10).read() == b"ok"
            opener.open(url, timeout=10).read()
            time.sleep(3)  # Streamlit looks up the external IP right after it starts listening
            assert _listening_addresses(port) == {"0100007F"}, "listens on 127.0.0.1 and nothing else"
    finally:
        listener.close()
    assert listener.requests == [], f"the app tried to reach the outside: {listener.requests[:3]}"


def test_a_scratch_folder_is_private_and_gone_after_use(tmp_path):
    with ScratchFolder(tmp_path) as scratch:
        assert stat.S_IMODE(scratch.path.stat().st_mode) == 0o700
        clip = scratch.write(b"video bytes", "My Clip (1).MOV")
        assert clip.suffix == ".mov" and "My Clip" not in clip.name  # random name, the user's extension
        assert stat.S_IMODE(clip.stat().st_mode) == 0o600
        assert scratch.new_path(".mp4") != scratch.new_path(".mp4")
    assert not scratch.path.exists()
    with pytest.raises(RuntimeError), ScratchFolder(tmp_path) as failed:
        failed.write(b"x", "a.mp4")
        raise RuntimeError("analysis failed")
    assert list(tmp_path.iterdir()) == []


def test_a_planted_symlink_is_never_followed(tmp_path, monkeypatch):
    """Even if an attacker guessed the random name, the upload is not written through their link."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    monkeypatch.setattr("formcheck.private_files.secrets.token_hex", lambda n: "guessed")
    with ScratchFolder(tmp_path) as scratch:
        (scratch.path / "guessed.mp4").symlink_to(victim)
        with pytest.raises(FileExistsError):
            scratch.write(b"upload", "clip.mp4")
    kept_dir = tmp_path / "videos"
    kept_dir.mkdir()
    (kept_dir / "guessed.mp4").symlink_to(victim)
    with pytest.raises(FileExistsError):
        keep_video(b"upload", "clip.mp4", kept_dir)
    assert victim.read_text() == "keep me"


def test_scratch_left_by_a_killed_run_is_removed(tmp_path):
    old = tmp_path / f"{SCRATCH_PREFIX}dead"
    old.mkdir()
    (old / "upload.mp4").write_bytes(b"x")
    os.utime(old, (time.time() - 7 * 3600, time.time() - 7 * 3600))
    fresh = ScratchFolder(tmp_path)  # a running analysis: left alone
    assert remove_stale_scratch(tmp_path) == 1
    assert not old.exists() and fresh.path.exists()
    fresh.close()


def test_a_kept_video_is_owner_only(tmp_path):
    kept = keep_video(b"video", "clip.mp4", tmp_path / "videos")
    assert kept.read_bytes() == b"video"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700


def test_a_damaged_history_database_is_a_plain_message_in_the_page(tmp_path, monkeypatch):
    db = tmp_path / "history.sqlite3"
    db.write_bytes(b"not a database at all\n" * 200)
    before = db.read_bytes()
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert any("patient history" in e.value and "damaged" in e.value for e in at.error)
    assert db.read_bytes() == before


def test_upload_is_deleted_after_analysis_kept_only_on_request_and_names_stay_plain(tmp_path):
    """A real browser uploads a clip; the server's temp folder is watched throughout."""
    require_browser()
    from playwright.sync_api import sync_playwright

    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    data = tmp_path / "data"
    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text())
    upload = tmp_path / "Ana's bridge.mp4"
    upload.write_bytes(SAMPLE.read_bytes())
    hostile = "Ana ![x](http://127.0.0.1:9/leak.png) **bold**"
    requests: list[str] = []
    with streamlit_server(data, env={"TMPDIR": str(server_tmp)}) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url)
            page.get_by_text("Glute bridge", exact=True).first.wait_for(timeout=60_000)
            page.locator("input[type='file']").first.set_input_files(str(upload))
            page.get_by_text("Ana's bridge.mp4").first.wait_for(timeout=30_000)
            assert not any(server_tmp.iterdir()), "nothing is written before Analyse"
            page.get_by_role("button", name="Analyse").click()
            page.get_by_role("button", name="Save to patient history").wait_for(timeout=180_000)
            reps = page.locator("[data-testid='stMetric']", has_text="Reps").first
            assert reps.locator("[data-testid='stMetricValue']").inner_text().split("/")[0].strip() == str(
                len(truth["reps"])
            )
            assert not any(server_tmp.iterdir()), "the upload and the annotated video are deleted after analysis"

            page.get_by_role("textbox", name="Patient name", exact=True).fill(hostile)
            page.get_by_text("Keep my video with this session").click()
            page.get_by_role("button", name="Save to patient history").click()
            page.get_by_text("The video was kept with it").first.wait_for(timeout=30_000)
            assert page.get_by_text(hostile, exact=False).count() >= 1, "the name is shown as typed"
            assert page.locator("img[src*='leak']").count() == 0
            assert page.get_by_text("Traceback").count() == 0
            page.screenshot(path=str(tmp_path / "saved.png"))
        finally:
            browser.close()
    kept = list((data / "videos").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == SAMPLE.read_bytes()
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert not any(server_tmp.iterdir())
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))]
    assert outside == [], f"the page reached outside this computer: {outside[:5]}"
