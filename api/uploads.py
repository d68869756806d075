"""Storing an uploaded file safely: a clean name, a size limit, and a folder of its own."""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

CHUNK = 1024 * 1024
MAX_NAME = 120
# Keep letters (Chinese included), digits and a few safe marks; everything else becomes "_".
_UNSAFE = re.compile(r"[^\w.\-（）()《》【】　 ]", re.UNICODE)


class TooLarge(Exception):
    pass


def safe_filename(name: str | None) -> str:
    """The last path component of a client's file name, without traversal or control characters."""
    raw = unicodedata.normalize("NFC", name or "")
    base = PureWindowsPath(PurePosixPath(raw.replace("\x00", "")).name).name  # strips / and \\ paths
    cleaned = _UNSAFE.sub("_", base).strip(" ._")
    if not cleaned or cleaned.strip("_") == "":
        cleaned = "upload"
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and len(suffix) <= 10:
        return f"{stem[: MAX_NAME - len(suffix) - 1]}.{suffix}"
    return cleaned[:MAX_NAME]


def save_upload(stream: BinaryIO, name: str | None, uploads_dir: Path, limit: int) -> Path:
    """Copy the stream into uploads_dir/<content hash>/<safe name>; raise TooLarge past `limit` bytes.

    The content hash folder means two uploads with the same name never overwrite each other.
    """
    uploads_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=uploads_dir, prefix=".incoming-", delete=False) as out:
        partial = Path(out.name)
    try:
        with open(partial, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge
                digest.update(chunk)
                out.write(chunk)
        folder = uploads_dir / digest.hexdigest()[:16]
        folder.mkdir(exist_ok=True)
        target = folder / safe_filename(name)
        partial.replace(target)
        return target
    finally:
        partial.unlink(missing_ok=True)
