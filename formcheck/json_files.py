"""Writing the project's large JSON files (pose tracks, renderer truth) in one compact form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from formcheck.output_files import write_text_atomic


def save_compact_json(data: dict[str, Any], path: str | Path) -> Path:
    """Write ``data`` without spaces (tracks and truth files run to megabytes), atomically."""
    return write_text_atomic(path, json.dumps(data, separators=(",", ":")))
