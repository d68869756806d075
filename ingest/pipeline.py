"""From a source file's text to a `Document`: clean, read metadata, outline, cut passages.

Readers of formats that mark their headings (Markdown #, Word heading styles, HTML
<h1>…<h6>) report them as (line, level) pairs in text order. Cleaning drops markup and
blank lines, so each is found again in the cleaned text as the first line after the
previous heading's that reads the same once cleaned; a heading not found that way
(one the reader's text breaks over two lines, or leaves out) is ignored.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ingest.clean import clean_text
from ingest.metadata import detect_metadata
from ingest.model import Document, DocumentMeta, Passage
from ingest.outline import attach_passage_ids, build_outline
from ingest.passages import build_passages
from ingest.sentences import Span, paragraph_spans
from ingest.text import decode_text


def read_text(path: Path) -> str:
    """The text of a plain-text file (see `ingest.text.decode_text`).

    Raises ValueError, in Chinese and naming the file, when it has no readable text.
    """
    try:
        return decode_text(path.read_bytes())
    except ValueError as exc:
        raise ValueError(f"{exc}：{path.name}") from exc


def build_document(
    raw_text: str,
    source: str,
    *,
    content_hash: str = "",
    page_starts: Sequence[int] | None = None,
    headings: Sequence[tuple[str, int]] = (),
) -> Document:
    """The document for `raw_text` read from the file named `source` (its stem is the fallback title).

    `page_starts[k]` is the offset in the text where page k + 1 of the source starts; with
    them each passage gets the page it starts on. Offsets into raw text would shift when
    it is cleaned, so with `page_starts` the text must already be in clean form.
    `headings` are the lines the source format marks as headings, as (line, level) in
    text order, level 1 outermost; the first level-1 heading that reads as the title is
    the title, not a section.
    """
    text = clean_text(raw_text)
    if page_starts is not None and text != raw_text:
        raise ValueError("page_starts need a text in clean form: clean_text(raw_text) must equal raw_text")
    if not text:
        raise ValueError(f"文档没有正文：{source}")
    meta, meta_lines = detect_metadata(text, fallback_title=Path(source).stem)
    body_start = meta_lines[-1][1] if meta_lines else 0
    outline = build_outline(text, body_start, _body_headings(text, headings, body_start, meta.title))
    doc_id = document_id(meta)
    passages = build_passages(text, outline, doc_id, meta.title)
    if page_starts is not None:
        passages = _with_pages(passages, page_starts)
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


def _body_headings(
    text: str, headings: Sequence[tuple[str, int]], body_start: int, title: str
) -> dict[int, int]:
    """Start offset → level of the reported heading lines in the body of the cleaned `text`."""
    spans_by_line: dict[str, list[Span]] = defaultdict(list)
    for start, end in paragraph_spans(text):
        spans_by_line[text[start:end]].append((start, end))
    found: dict[int, int] = {}
    title_seen = False
    after = 0
    for raw, level in headings:
        line = clean_text(raw)
        spans = spans_by_line.get(line, [])
        at = bisect.bisect_left(spans, (after, 0))
        if at == len(spans):
            continue
        start, after = spans[at]
        if level == 1 and line == title and not title_seen:
            title_seen = True  # the title, wherever it stands, heads the document rather than a section
        elif start >= body_start:
            found[start] = level
    return found


def _with_pages(passages: Sequence[Passage], page_starts: Sequence[int]) -> tuple[Passage, ...]:
    """Each passage with the (1-based) page it starts on: the last page starting at or before it."""
    return tuple(replace(p, page=max(1, bisect.bisect_right(page_starts, p.start))) for p in passages)
