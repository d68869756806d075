"""Files to Documents: pick the reader by file type, and turn every failure into an IngestError."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.model import Document
from ingest.pipeline import build_document, read_text

SUPPORTED = (".txt", ".md")
# Folder notes (README.md) describe a folder; they are not documents of the knowledge base.
NOT_DOCUMENTS = ("readme",)


class IngestError(Exception):
    """A file that cannot be ingested; the message is shown to members, so it is in Chinese."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}：{reason}")
        self.path = path
        self.reason = reason


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and the supported files inside given folders (sorted, recursively)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED and p.stem.lower() not in NOT_DOCUMENTS
            )
        else:
            yield path


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_document(path: Path) -> Document:
    if not path.exists():
        raise IngestError(path, "文件不存在")
    if path.suffix.lower() not in SUPPORTED:
        raise IngestError(
            path, f"不支持的文件类型“{path.suffix or '无扩展名'}”（支持：{'、'.join(SUPPORTED)}）"
        )
    try:
        document = build_document(read_text(path), path.name, content_hash=file_hash(path))
    except (ValueError, UnicodeError, OSError) as exc:
        raise IngestError(path, str(exc)) from exc
    if not document.passages:
        raise IngestError(path, "没有可检索的正文内容")
    return document
