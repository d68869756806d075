"""Files to Documents: pick the reader by what the file contains, and turn every failure into an IngestError.

The content decides the reader: a PDF named .txt is read as a PDF. The name still
counts in two ways: a file named .pdf or .docx that is something else is refused
(it was damaged or mislabelled), and text under an unsupported extension (.csv,
.json…) is refused rather than indexed as if it were a document. A .doc may be any
of what Word saves under that name (Word 97–2003, RTF, a web page, a renamed .docx).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ingest.markdown import markdown_headings
from ingest.model import Document, SourceText
from ingest.pipeline import build_document
from ingest.sniff import Kind, sniff
from ingest.text import EMPTY, decode_text

_IMAGES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
_CONVERTED = {Kind.WORD_97: "doc", Kind.ODT: "odt", Kind.RTF: "rtf"}  # read through LibreOffice
SUPPORTED = (
    ".txt",
    ".md",
    ".pdf",
    ".docx",
    ".doc",
    ".wps",
    ".odt",
    ".rtf",
    ".ofd",
    ".html",
    ".htm",
    *_IMAGES,
)
# Folder notes (README.md, SOURCES.md) describe a folder; they are not documents of the knowledge base.
NOT_DOCUMENTS = ("readme", "sources", "license", "changelog")

# What a suffix may hold, in the order a refusal names them.
_EXPECTED: dict[str, tuple[Kind, ...]] = {
    ".pdf": (Kind.PDF,),
    ".docx": (Kind.DOCX, Kind.WORD_97),  # a .doc renamed by hand is still a Word file
    ".doc": (Kind.WORD_97, Kind.RTF, Kind.HTML, Kind.DOCX),
    ".wps": (Kind.WORD_97, Kind.DOCX),  # WPS Writer saves the Word 97 format under its own name
    ".odt": (Kind.ODT,),
    ".rtf": (Kind.RTF,),
    ".ofd": (Kind.OFD,),
    **{suffix: (Kind.IMAGE,) for suffix in _IMAGES},
}
_PACKAGES = {".docx": "Word文档（.docx）", ".odt": "OpenDocument文档（.odt）", ".ofd": "OFD文件（.ofd）"}
# Read whatever the file is called.
_UNMISTAKABLE = frozenset({Kind.PDF, Kind.DOCX, Kind.IMAGE, Kind.OFD, *_CONVERTED})
_REFUSED = {
    Kind.OLE: "是旧版Excel、PowerPoint等Office格式（.xls/.ppt），不支持，请另存为 .docx 或 PDF 后再导入",
    Kind.LOCKED_OFFICE: "是加密的Office文档，请先取消密码再导入",
    Kind.ZIP: "不是可读取的{package}：可能是压缩包、其他Office格式（如 .xlsx/.pptx）或已损坏",
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


def load_document(
    path: Path, password: str | None = None, on_scan: Callable[[], object] | None = None
) -> Document:
    """The document in the file at `path`; `password` opens an encrypted PDF; `on_scan` is told before
    each scanned page is read by OCR (seconds each).

    Raises IngestError, with a Chinese reason, for anything that cannot be ingested.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError(path, "文件不存在") from exc
    except OSError as exc:
        raise IngestError(path, f"无法读取文件（{exc.strerror or exc}）") from exc
    try:
        document = parse_document(data, path.name, password, on_scan)
    except ValueError as exc:
        raise IngestError(path, str(exc)) from exc
    if not document.passages:
        raise IngestError(path, "没有可检索的正文内容")
    return document


def parse_document(
    data: bytes, name: str, password: str | None = None, on_scan: Callable[[], object] | None = None
) -> Document:
    """The document in a file's bytes, `name` being the file's name; ValueError with a Chinese reason."""
    if not data.strip():
        raise ValueError(EMPTY)
    kind = sniff(data)
    suffix = Path(name).suffix.lower()
    if kind in _REFUSED:
        raise ValueError(_REFUSED[kind].format(package=_PACKAGES.get(suffix, "文档")))
    expected = _EXPECTED.get(suffix)
    if expected is not None and kind not in expected:
        wanted = "或".join(k.value for k in expected)
        raise ValueError(f"扩展名是 {suffix}，但内容不是{wanted}（文件可能已损坏或被改了扩展名）")
    if kind not in _UNMISTAKABLE and suffix not in SUPPORTED:
        raise ValueError(f"不支持的文件类型“{suffix or '无扩展名'}”（支持：{'、'.join(SUPPORTED)}）")
    # The readers of PDF, Word and web pages import their libraries (a second in all) when first met:
    # a process adding one text file never loads them.
    match kind:
        case Kind.PDF:
            from ingest.pdf import pdf_source

            source = pdf_source(data, password, on_scan)
        case Kind.IMAGE:
            from ingest.ocr import image_source

            source = image_source(data, on_scan)
        case Kind.DOCX:
            from ingest.docx import docx_source

            source = docx_source(data)
        case Kind.WORD_97 | Kind.ODT | Kind.RTF:
            from ingest.conversion import converted_source

            file_format = "wps" if suffix == ".wps" else _CONVERTED[kind]
            source = converted_source(data, file_format)
        case Kind.OFD:
            from ingest.ofd import ofd_source

            source = ofd_source(data, on_scan)
        case Kind.HTML:
            from ingest.html import html_text

            source = html_text(decode_text(data))
        case _ if suffix == ".md":  # in a .txt a leading # is just a character
            text = decode_text(data)
            source = SourceText(text, "md", headings=tuple(markdown_headings(text)))
        case _:
            source = SourceText(decode_text(data), "txt")
    document = build_document(source, name, content_hash=content_hash(data))
    check_document(document)
    return document


def content_hash(data: bytes) -> str:
    """Fingerprint of a file's bytes: an unchanged file is not read again."""
    return hashlib.sha256(data).hexdigest()


def check_document(document: Document) -> None:
    """What every later layer relies on: passage IDs unique, every passage exactly its span of the text.

    Raises ValueError naming the first fault: segmentation went wrong for this file alone.
    """
    seen: set[str] = set()
    for passage in document.passages:
        if passage.id in seen or passage.document_id != document.id:
            raise ValueError(f"切分出错：段落编号重复或不属于本文档（{passage.id}）")
        seen.add(passage.id)
        span_ok = 0 <= passage.start < passage.end <= len(document.text)
        if not span_ok or document.text[passage.start : passage.end] != passage.text:
            raise ValueError(f"切分出错：段落与原文位置不符（{passage.id}）")
