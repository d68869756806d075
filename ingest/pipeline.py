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
from functools import cache
from importlib.metadata import version
from pathlib import Path

from ingest.clean import clean_text
from ingest.metadata import detect_metadata, official_metadata
from ingest.model import Document, Passage, SourceText
from ingest.official import official_layout
from ingest.outline import attach_passage_ids, build_outline
from ingest.passages import build_passages
from ingest.sentences import Span, paragraph_spans
from ingest.text import decode_text

# A new release of a reader may read a file differently.
_READER_PACKAGES = ("trafilatura", "pypdf", "python-docx", "pypdfium2", "rapidocr-onnxruntime", "lxml")
DOCUMENT_ID_CHARS = 12  # of the text fingerprint: unique among millions of documents


def read_text(path: Path) -> str:
    """The text of a plain-text file (see `ingest.text.decode_text`).

    Raises ValueError, in Chinese and naming the file, when it has no readable text.
    """
    try:
        return decode_text(path.read_bytes())
    except ValueError as exc:
        raise ValueError(f"{exc}：{path.name}") from exc


def build_document(source: SourceText, name: str, *, content_hash: str = "") -> Document:
    """The document for the text a reader got from the file called `name` (its stem is the fallback title).

    With `source.page_starts` (the offset where each page of the source starts) each
    passage gets the page it starts on; offsets into raw text would shift when it is
    cleaned, so then the text must already be in clean form. `source.headings` are the
    lines the format marks as headings, as (line, level) in text order, level 1
    outermost; the first level-1 heading that reads as the title is the title, not a
    section.
    """
    text = clean_text(source.text)
    if source.page_starts is not None and text != source.text:
        raise ValueError("page_starts need a text in clean form: clean_text(raw_text) must equal raw_text")
    if not text:
        raise ValueError(f"文档没有正文：{name}")
    layout = official_layout(text)
    if layout is not None:
        meta = official_metadata(layout, source.published)
        (body_start, body_end), appendices = layout.body, layout.attachments
    else:
        meta, meta_lines = detect_metadata(
            text, fallback_title=Path(name).stem, stated_title=source.title, published=source.published
        )
        body_start, body_end, appendices = (meta_lines[-1][1] if meta_lines else 0), None, ()
    marked = _body_headings(text, source.headings, body_start, meta.title)
    outline = build_outline(text, body_start, marked, body_end=body_end, appendices=appendices)
    digest = text_hash(text)
    doc_id = digest[:DOCUMENT_ID_CHARS]
    passages = build_passages(text, outline, doc_id, meta.title)
    if source.page_starts is not None:
        passages = _with_pages(passages, source.page_starts)
    if source.ocr_pages or source.unread_pages:
        meta = replace(meta, ocr_pages=source.ocr_pages, unread_pages=source.unread_pages)
        passages = _marked_ocr(passages, frozenset(source.ocr_pages))
    return Document(
        id=doc_id,
        source=name,
        text=text,
        meta=meta,
        outline=attach_passage_ids(outline, passages),
        passages=passages,
        content_hash=content_hash,
        text_hash=digest,
        format=source.format,
        ingest_version=ingest_version(),
    )


def text_hash(text: str) -> str:
    """Fingerprint of what a document says, whatever its line breaks and spacing: the same article
    saved twice (under two names, or with other page furniture around it) has one fingerprint."""
    return hashlib.sha256("".join(text.split()).encode()).hexdigest()


@cache
def ingest_version() -> str:
    """Fingerprint of the code that cleans and segments: a document segmented by other code is re-read."""
    digest = hashlib.sha256(" ".join(version(reader) for reader in _READER_PACKAGES).encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:12]


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


OCR_MARK = "（OCR识别）"


def _marked_ocr(passages: Sequence[Passage], pages: frozenset[int]) -> tuple[Passage, ...]:
    """Passages that start on a page read by OCR say so in their citation: a reader checks a
    recognised quote against the scan before relying on it."""
    return tuple(replace(p, citation=p.citation + OCR_MARK) if p.page in pages else p for p in passages)
