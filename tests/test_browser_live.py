"""End to end in a real browser: headless Chromium plays a sample clip as its webcam, and the
app's live coaching tab counts the reps the renderer put in that clip.

Needs Debian's chromium (``.ci/run`` installs it). Without it the test is skipped locally, but
fails when FORMCHECK_REQUIRE_BROWSER=1 (set by CI), so CI can never pass by skipping it.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import imageio_ffmpeg
import pytest

from formcheck.history import HistoryStore
from tests.app_server import CHROMIUM, CHROMIUM_ARGS, require_browser, streamlit_server

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_videos" / "clamshell_clean_front.mp4"


@pytest.fixture
def streamlit_app(tmp_path):
    with streamlit_server(tmp_path / "data") as url:
        yield url


def _as_y4m(clip: Path, out: Path) -> Path:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(clip), "-pix_fmt", "yuv420p", str(out)],
        check=True,
    )
    return out


def test_live_coaching_counts_reps_from_a_fake_webcam(streamlit_app, tmp_path):
    require_browser()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text())
    reps_per_loop = len(truth["reps"])
    camera = _as_y4m(SAMPLE, tmp_path / "camera.y4m")
    args = [
        *CHROMIUM_ARGS,
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
            page.get_by_role("textbox", name="Patient name (optional)").fill("Live Patient")
            page.keyboard.press("Enter")
            webcam = page.get_by_text("Use my webcam")
            for _ in range(3):
                # The rerun that Enter starts can redraw the tabs and drop a click made meanwhile
                # (seen once with the machine loaded): click the tab again until it has opened.
                page.get_by_role("tab", name="Live coaching").click()
                try:
                    webcam.wait_for(state="visible", timeout=15_000)
                    break
                except PlaywrightTimeout:
                    continue
            webcam.click()
            frame = page.frame_locator("iframe[title*='streamlit_webrtc']").first
            start = frame.get_by_role("button", name="Start")
            start.click(timeout=60_000)
            playing = page.locator("[data-testid='stMetric']", has_text="Frames/s")
            try:
                playing.first.wait_for(timeout=45_000)
            except PlaywrightTimeout:
                # Headless Chromium's WebRTC connection to the local server sometimes never starts
                # playing (no frame rate shown for 2 minutes, in 2 of ~14 runs on 2 December 2026).
                # A patient would press Start again, and so does the test; counting, cues and
                # saving are still required below.
                print("the webcam stream did not start: Stop, then Start again")
                frame.get_by_role("button", name="Stop").click(timeout=30_000)
                start.click(timeout=60_000)
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
            # Speed is printed, not asserted (benchmarks/live_fps.py measures it): the app's own figure.
            fps = page.locator("[data-testid='stMetric']", has_text="Frames/s").locator("[data-testid='stMetricValue']")
            shown = fps.first.inner_text() if fps.count() else "n/a"
            print(f"live coaching in Chromium: {shown} frames/s, {count} reps counted")
            page.screenshot(path=str(tmp_path / "live.png"))
            assert count >= reps_per_loop, f"counted {count} reps, expected {reps_per_loop}"
            # Spoken in the page (the browser's own voice): the rep tally was announced
            said = page.evaluate("Object.values(window.__formcheckSaid || {})")
            assert any(text.startswith(f"{reps_per_loop}.") for text in said), said
            assert any("Hold..." in text or "Lower slowly" in text for text in said), "cued during the set"
            # Stop: the session is saved for the patient named at the top, and can be downloaded
            frame.get_by_role("button", name="Stop").click()
            page.get_by_text("Saved for Live Patient").wait_for(timeout=60_000)
            page.get_by_role("button", name="Download results (JSON)").wait_for(timeout=30_000)
            assert page.get_by_text("Traceback").count() == 0
        finally:
            browser.close()
    with HistoryStore(tmp_path / "data" / "history.sqlite3") as store:
        (saved,) = store.sessions("Live Patient")
        assert saved.exercise == "clamshell" and sum(saved.reps.values()) >= reps_per_loop
