"""A file written aside and renamed into place: readers see the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A path beside `target` to write to; renamed onto `target` (readable by all) when the block ends,
    removed when it raises."""
    fd, staging = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        yield Path(staging)
        os.chmod(staging, 0o644)
        os.replace(staging, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staging)
