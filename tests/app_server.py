"""Start the real Streamlit app on this machine for end-to-end tests (and a real Chromium for them)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# What the workplace's own probe passes: no background calls to Google's hosts from the browser.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    """Skip without Chromium locally; fail in CI (FORMCHECK_REQUIRE_BROWSER=1), so CI never passes by skipping."""
    if CHROMIUM:
        return
    if os.environ.get("FORMCHECK_REQUIRE_BROWSER") == "1":
        pytest.fail("chromium is not installed, but FORMCHECK_REQUIRE_BROWSER=1")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(data_dir: Path, env: dict[str, str] | None = None, args: list[str] | None = None) -> Iterator[str]:
    """Run ``streamlit run app.py`` with the repo's own config (local-only); yields its URL.

    Only the port is given on the command line, so the test sees what ``streamlit run app.py`` does.
    """
    port = free_port()
    server_env = {**os.environ, "FORMCHECK_DATA_DIR": str(data_dir), **(env or {})}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port)]
    # The server's output goes to a file, not a pipe: nobody reads a pipe while the tests run, and
    # once its buffer fills the server blocks on its next log line.
    # Kept outside the app's data and temp folders, which the privacy tests inspect.
    log = tempfile.NamedTemporaryFile(prefix="formcheck-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    log_path = Path(log.name)
    server = subprocess.Popen(command + (args or []), cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None:
                pytest.fail(f"streamlit exited: {log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        else:
            pytest.fail("streamlit did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        # Shown by pytest with a failing test's output: what the server said, errors included.
        print(f"streamlit server output (tail):\n{log_path.read_text(errors='replace')[-3000:]}")
        log_path.unlink(missing_ok=True)
