"""Files to Documents: pick the reader by what the file contains, and turn every failure into an IngestError.

The content decides the reader: a PDF named .txt is read as a PDF. The name still
counts in two ways: a file named .pdf or .docx that is something else is refused
(it was damaged or mislabelled), and text under an unsupported extension (.csv,
.json, .rtf…) is refused rather than indexed as if it were a document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.docx import docx_text
from ingest.html import html_text
from ingest.markdown import markdown_headings
from ingest.model import Document
from ingest.pdf import pdf_text
from ingest.pipeline import build_document
from ingest.sniff import Kind, sniff
from ingest.text import EMPTY, decode_text

SUPPORTED = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
# Folder notes (README.md) describe a folder; they are not documents of the knowledge base.
NOT_DOCUMENTS = ("readme",)

_EXPECTED = {".pdf": Kind.PDF, ".docx": Kind.DOCX}
_UNMISTAKABLE = frozenset({Kind.PDF, Kind.DOCX})  # read whatever the file is called
_REFUSED = {
    Kind.OLE: "是旧版Office格式（.doc/.xls/.ppt），不支持，请另存为 .docx 或 PDF 后再导入",
    Kind.LOCKED_OFFICE: "是加密的Office文档，请先取消密码再导入",
    Kind.ZIP: "不是可读取的Word文档（.docx）：可能是压缩包、其他Office格式（如 .xlsx/.pptx）或已损坏",
    Kind.IMAGE: "是图片，没有文字层，需要先做OCR",
}


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


def load_document(path: Path, password: str | None = None) -> Document:
    """The document in the file at `path`; `password` opens an encrypted PDF.

    Raises IngestError, with a Chinese reason, for anything that cannot be ingested.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError(path, "文件不存在") from exc
    except OSError as exc:
        raise IngestError(path, f"无法读取文件（{exc.strerror or exc}）") from exc
    try:
        document = parse_document(data, path.name, password)
    except ValueError as exc:
        raise IngestError(path, str(exc)) from exc
    if not document.passages:
        raise IngestError(path, "没有可检索的正文内容")
    return document


def parse_document(data: bytes, name: str, password: str | None = None) -> Document:
    """The document in a file's bytes, `name` being the file's name; ValueError with a Chinese reason."""
    if not data.strip():
        raise ValueError(EMPTY)
    kind = sniff(data)
    if kind in _REFUSED:
        raise ValueError(_REFUSED[kind])
    suffix = Path(name).suffix.lower()
    expected = _EXPECTED.get(suffix)
    if expected is not None and kind is not expected:
        raise ValueError(f"扩展名是 {suffix}，但内容不是{expected.value}（文件可能已损坏或被改了扩展名）")
    if kind not in _UNMISTAKABLE and suffix not in SUPPORTED:
        raise ValueError(f"不支持的文件类型“{suffix or '无扩展名'}”（支持：{'、'.join(SUPPORTED)}）")
    page_starts = None
    headings: list[tuple[str, int]] = []
    match kind:
        case Kind.PDF:
            text, page_starts = pdf_text(data, password)
        case Kind.DOCX:
            text, headings = docx_text(data)
        case Kind.HTML:
            text, headings = html_text(decode_text(data))
        case _:
            text = decode_text(data)
            if suffix == ".md":  # in a .txt a leading # is just a character
                headings = markdown_headings(text)
    return build_document(
        text,
        name,
        content_hash=hashlib.sha256(data).hexdigest(),
        page_starts=page_starts,
        headings=headings,
    )
