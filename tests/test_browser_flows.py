"""End to end in a real browser: a patient on a phone-sized window analyses a clip and saves it;
a therapist sets a prescription, sees the progress against it, and exports the history."""

from __future__ import annotations

import json

from tests.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, require_browser, streamlit_server

SAMPLE = ROOT / "sample_videos" / "clamshell_clean_front.mp4"


def test_phone_patient_and_therapist_flows(tmp_path):
    require_browser()
    from playwright.sync_api import sync_playwright

    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text())
    side = truth["reps"][0]["side"]
    n = sum(r["side"] == side for r in truth["reps"])
    with streamlit_server(tmp_path / "data") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # --- the patient, on a phone: everything needed is on the page, no sidebar to find
            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            phone.goto(url)
            phone.get_by_text("Clamshell", exact=True).click(timeout=60_000)
            phone.get_by_text("raised to about 1.4 m").first.wait_for()
            phone.get_by_role("textbox", name="Patient name (optional)").fill("Dana")
            phone.keyboard.press("Enter")
            phone.get_by_text("Use a sample video").click()
            phone.get_by_role("button", name="Analyse").click()
            phone.get_by_role("button", name="Save to patient history").wait_for(timeout=180_000)
            metric = phone.locator("[data-testid='stMetric']", has_text=f"{side.capitalize()} leg").first
            assert metric.locator("[data-testid='stMetricValue']").inner_text().startswith(f"{n} /")
            video = phone.locator("[data-testid='stVideo']")
            video_width = video.bounding_box()["width"]
            assert video_width > 300, f"the video is not squeezed on a phone ({video_width:.0f} px)"
            # The reps and holds play as captions over the video, loaded and shown by the browser.
            captions = phone.wait_for_function(
                """() => {
                    const track = document.querySelector("[data-testid='stVideo']").textTracks[0];
                    if (!track || track.mode !== "showing" || !track.cues || !track.cues.length) return null;
                    return Array.from(track.cues).map((c) => c.text).join("\\n");
                }""",
                timeout=30_000,
            ).json_value()
            counts = [line for line in captions.splitlines() if line.startswith("Reps ")]
            assert counts and f"{side[0].upper()} {n}" in counts[-1], counts[-3:]
            phone.get_by_role("button", name="Save to patient history").click()
            phone.get_by_text("Saved for Dana").wait_for(timeout=30_000)
            phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)

            # --- the therapist, at a desk: prescription, progress against it, export
            desk = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            desk.goto(url)
            desk.get_by_role("tab", name="Patient history").click(timeout=60_000)
            desk.get_by_text("Prescription (usual dose").first.wait_for(timeout=30_000)
            desk.get_by_role("spinbutton", name="Reps per set (per side)").fill("8")
            desk.get_by_role("spinbutton", name="Hold at the top (s)").fill("1.5")
            desk.get_by_role("button", name="Save prescription").click()
            desk.get_by_text("Prescription saved: 8 reps per side, hold 1.5 s").wait_for(timeout=30_000)
            desk.get_by_text("Dashed lines: the prescription, 8 reps per session and a 1.5 s hold").wait_for()
            desk.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=30_000)
            desk.get_by_text(f"{n} of 8 reps").first.wait_for()  # the saved session, against the new dose
            with desk.expect_download() as download:
                desk.get_by_role("button", name="Export all of Dana's sessions (CSV)").click()
            csv_path = tmp_path / "history.csv"
            download.value.save_as(csv_path)
            lines = csv_path.read_text().splitlines()
            assert lines[0].startswith("Date,Exercise,Clip,Reps") and len(lines) == 2
            with desk.expect_download() as download:
                desk.get_by_role("button", name="Printable progress report (HTML)").click()
            report = tmp_path / "report.html"
            download.value.save_as(report)
            html = report.read_text()
            assert "<svg" in html and "Dana" in html and "http://" not in html.replace("http://www.w3.org", "")
            desk.screenshot(path=str(tmp_path / "history.png"), full_page=True)
            assert desk.get_by_text("Traceback").count() == 0 and phone.get_by_text("Traceback").count() == 0
        finally:
            browser.close()
