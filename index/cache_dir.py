"""Where djkb keeps what it builds once per machine (the model folder, the dictionary's prefix table)."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    return Path(os.environ.get("DJKB_CACHE") or Path.home() / ".cache" / "djkb").expanduser()
