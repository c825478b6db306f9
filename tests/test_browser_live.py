"""End to end in a real browser: headless Chromium plays a sample clip as its webcam, and the
app's live coaching tab counts the reps the renderer put in that clip.

Needs Debian's chromium (``.ci/run`` installs it). Without it the test is skipped locally, but
fails when FORMCHECK_REQUIRE_BROWSER=1 (set by CI), so CI can never pass by skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import imageio_ffmpeg
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_videos" / "clamshell_clean_front.mp4"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _require_browser() -> None:
    if CHROMIUM:
        return
    if os.environ.get("FORMCHECK_REQUIRE_BROWSER") == "1":
        pytest.fail("chromium is not installed, but FORMCHECK_REQUIRE_BROWSER=1")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def streamlit_app(tmp_path):
    port = _free_port()
    env = {**os.environ, "FORMCHECK_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("streamlit did not start")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def _as_y4m(clip: Path, out: Path) -> Path:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(clip), "-pix_fmt", "yuv420p", str(out)],
        check=True,
    )
    return out


def test_live_coaching_counts_reps_from_a_fake_webcam(streamlit_app, tmp_path):
    _require_browser()
    from playwright.sync_api import sync_playwright

    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text())
    reps_per_loop = len(truth["reps"])
    camera = _as_y4m(SAMPLE, tmp_path / "camera.y4m")
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}",
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(streamlit_app)
            page.get_by_text("Clamshell", exact=True).click()
            page.get_by_role("tab", name="Live coaching").click()
            page.get_by_text("Use my webcam").click()
            frame = page.frame_locator("iframe[title*='streamlit_webrtc']").first
            frame.get_by_role("button", name="Start").click(timeout=60_000)
            # the clip loops: wait until at least one loop's reps are counted on the working leg
            leg = truth["reps"][0]["side"].capitalize() + " leg"
            metric = page.locator("[data-testid='stMetric']", has_text=leg)
            deadline = time.monotonic() + 120
            count = 0
            while time.monotonic() < deadline and count < reps_per_loop:
                if metric.count():
                    text = metric.first.locator("[data-testid='stMetricValue']").inner_text()
                    count = int(text.strip() or 0)
                time.sleep(1)
            page.screenshot(path=str(tmp_path / "live.png"))
            assert count >= reps_per_loop, f"counted {count} reps, expected {reps_per_loop}"
            assert page.get_by_text("Traceback").count() == 0
        finally:
            browser.close()
