"""Writing the project's large JSON files (pose tracks, renderer truth) in one compact form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def save_compact_json(data: dict[str, Any], path: str | Path) -> Path:
    """Write ``data`` without spaces (tracks and truth files run to megabytes), making the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, separators=(",", ":")))
    return path
