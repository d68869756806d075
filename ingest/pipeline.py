"""From a source file's text to a `Document`: clean, read metadata, outline, cut passages."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.clean import clean_text
from ingest.metadata import detect_metadata
from ingest.model import Document, DocumentMeta
from ingest.outline import attach_passage_ids, build_outline
from ingest.passages import build_passages

_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig also reads UTF-8 without a BOM


def read_text(path: Path) -> str:
    """The text of a UTF-8 (with or without BOM) or GB18030 file.

    Raises ValueError, in Chinese and naming the file, when it is neither or is empty.
    """
    data = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise ValueError(f"文件内容为空：{path.name}")
        return text
    raise ValueError(f"无法识别文件编码（应为 UTF-8 或 GB18030）：{path.name}")


def build_document(raw_text: str, source: str, *, content_hash: str = "") -> Document:
    """The document for `raw_text` read from the file named `source` (its stem is the fallback title)."""
    text = clean_text(raw_text)
    if not text:
        raise ValueError(f"文档没有正文：{source}")
    meta, meta_lines = detect_metadata(text, fallback_title=Path(source).stem)
    body_start = meta_lines[-1][1] if meta_lines else 0
    outline = build_outline(text, body_start)
    doc_id = document_id(meta)
    passages = build_passages(text, outline, doc_id, meta.title)
    return Document(
        id=doc_id,
        source=source,
        text=text,
        meta=meta,
        outline=attach_passage_ids(outline, passages),
        passages=passages,
        content_hash=content_hash,
    )


def document_id(meta: DocumentMeta) -> str:
    """Stable across re-ingests of the same version; a new revision gets a new id."""
    return hashlib.sha1(f"{meta.title}|{meta.revision_year or ''}".encode()).hexdigest()[:12]
