"""PDF to text: the pages' text without running headers, footers and page numbers, hard wraps undone.

A PDF exported from WPS or Word has no paragraphs, only lines: every line of the
page is a line of text, each page repeats its header and footer, and a sentence
runs on from one line, or one page, to the next. This module reads the pages and
turns them back into the one-paragraph-per-line form of `ingest.clean`, and says
where each page starts in that text.

A scanned page (no text layer, or only a few characters of one: a stamp's, a
page number's) is rendered and read by OCR (`ingest.ocr`), page by page, so a PDF
that mixes text and scanned pages reads whole; so is every page of a PDF whose text
layer is unreadable (fonts without a character map).

Page furniture is peeled from the top and the bottom of each page: lines that
repeat at the edges of at least half of the pages (digits ignored, so "第3页"
and "第4页" are one line) and page numbers in their usual forms. Two lines are
joined when the first is a full line of the text column that does not end a
sentence and the second does not open a heading, article or list item.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from pypdf import PasswordType, PdfReader
from pypdf.errors import LimitReachedError

from ingest.clean import clean_text
from ingest.model import SourceText
from ingest.official import ATTACHMENT_HEADING
from ingest.outline import is_marker_line
from ingest.text import is_readable

if TYPE_CHECKING:
    from PIL.Image import Image

DAMAGED = "PDF文件已损坏，无法读取"
TRUNCATED = "PDF文件不完整（可能在下载或复制时被截断）"
ENCRYPTED = "该PDF已加密，需要提供密码才能读取"
WRONG_PASSWORD = "PDF密码不正确"
NO_TEXT_LAYER = "该PDF没有文字，扫描页也未识别出文字"
ALL_UNREADABLE = "扫描件无法可靠识别（OCR识别置信度过低），未导入"
DECOMPRESSION_BOMB = "PDF中的压缩数据解压后过大（疑似压缩炸弹），已拒绝"

# pypdf stops inflating a stream at 75 MB (pypdf.Configuration) and says so in the message of
# its LimitReachedError; its other limits (cycles, too many objects) are about damage.
_DECOMPRESSION_LIMIT = re.compile(r"decompress|decoding|Memory limit", re.IGNORECASE)
_EOF_MARKER = b"%%EOF"
_EOF_WINDOW = 2048  # a complete PDF ends with %%EOF, give or take trailing whitespace
SCANNED_BELOW = 20  # characters of a page's text layer (whitespace aside): fewer, and the page is a scan
_EDGE_LINES = 3  # lines at the top and at the bottom of a page that may be header or footer
_RUNNING_SHARE = 0.5  # odd and even pages may carry different headers
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
# Page numbers after _furniture_key: whitespace gone, every number "#".
_PAGE_NUMBER = re.compile(
    r"[-—–－─一]+#[-—–－─一]+"  # — 3 —, -3-, - 3 - (and 一3一, as OCR reads the dashes)
    r"|第#页(?:[,，/]?共#页)?|共#页[,，]?第#页"  # 第3页, 第3页 共9页
    r"|#(?:/#)?"  # 3/9, and a bare 3
    r"|(?i:page)#(?:(?i:of)#)?"
)
_SENTENCE_END = frozenset("。！？；：!?;:")
_CLOSERS = "”’」』）)】〕》〉\"'"
_FULL_LINE_SHARE = 0.85  # a hard-wrapped line fills the column, give or take a character
_COLUMN_QUANTILE = 20  # the column is the width that 1 line in 20 reaches: robust to a few outliers


def pdf_source(
    data: bytes, password: str | None = None, on_scan: Callable[[], object] | None = None
) -> SourceText:
    """The text of a PDF in clean form with the offset where each page starts; scanned pages read by
    OCR (`on_scan` is told before each, as it takes seconds) and the pages OCR could not read reliably
    left out, both named in the result."""
    pages = read_pages(data, password)
    readable = is_readable("".join(pages))
    scanned = [n for n, page in enumerate(pages) if not readable or too_little_text(page)]
    scans: dict[int, str | None] = {}
    if scanned:
        from ingest.ocr import read_scans

        scans = read_scans(zip(scanned, _rendered(data, password, scanned), strict=True), on_scan)
    source = paged_source(pages, scans, "pdf")
    if not source.text:
        raise ValueError(NO_TEXT_LAYER)
    return source


def paged_source(pages: Sequence[str], scans: Mapping[int, str | None], file_format: str) -> SourceText:
    """Pages' raw text, each scanned page (by index) replaced by what OCR read of it (None: nothing it
    could read reliably), as clean text with its page starts and the pages read by OCR and left out."""
    unread = tuple(n + 1 for n, text in scans.items() if text is None)
    if scans and len(unread) == len(pages):
        raise ValueError(ALL_UNREADABLE)
    text, starts = join_pages([scans.get(n, page) or "" for n, page in enumerate(pages)])
    read = tuple(n + 1 for n, text in scans.items() if text is not None)
    return SourceText(text, file_format, page_starts=tuple(starts), ocr_pages=read, unread_pages=unread)


def too_little_text(page: str) -> bool:
    """Whether a page's text is too little for a page of text (a stamp's, a page number's): a scan."""
    return len("".join(page.split())) < SCANNED_BELOW


def _rendered(data: bytes, password: str | None, pages: Sequence[int]) -> Iterator[Image]:
    """Each page's image (pages from 0) at RENDER_DPI, rendered when the next is asked for; a page too
    large for that is rendered smaller, within MAX_PIXELS."""
    import pypdfium2

    from ingest.ocr import MAX_PIXELS, RENDER_DPI

    document = pypdfium2.PdfDocument(data, password=password)
    try:
        for n in pages:
            page = document[n]
            width, height = page.get_size()  # points
            scale = min(RENDER_DPI / 72, math.sqrt(MAX_PIXELS / max(1.0, width * height)))
            yield page.render(scale=scale).to_pil()
    finally:
        document.close()


def read_pages(data: bytes, password: str | None = None) -> list[str]:
    """The raw text of each page's text layer; ValueError, with a Chinese reason, for an unreadable PDF."""
    if _EOF_MARKER not in data[-_EOF_WINDOW:]:
        raise ValueError(TRUNCATED)
    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and reader.decrypt(password or "") == PasswordType.NOT_DECRYPTED
        pages = [] if locked else [page.extract_text() for page in reader.pages]
    except LimitReachedError as exc:
        raise ValueError(DECOMPRESSION_BOMB if _DECOMPRESSION_LIMIT.search(str(exc)) else DAMAGED) from exc
    except MemoryError:  # not damage: the worker's memory limit says so (ingest.isolation)
        raise
    except Exception as exc:  # pypdf raises anything from KeyError to RecursionError on a damaged file
        raise ValueError(DAMAGED) from exc
    if locked:
        raise ValueError(WRONG_PASSWORD if password else ENCRYPTED)
    return pages


def join_pages(pages: Sequence[str]) -> tuple[str, list[int]]:
    """Pages' raw text as one clean text without page furniture, and where each page starts in it.

    An empty page starts where the next text would; a page whose first line continues
    the previous page's sentence starts in the middle of that line.
    """
    page_lines = [[line for line in clean_text(page).split("\n") if line] for page in pages]
    running = _running_lines(page_lines)
    bodies = [_strip_furniture(lines, running) for lines in page_lines]
    column = _column_width([line for lines in bodies for line in lines])
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    previous = ""
    for lines in bodies:
        if not lines:
            starts.append(length)
        for index, line in enumerate(lines):
            separator = _separator(previous, line, column) if previous else ""
            if index == 0:
                starts.append(length + len(separator))
            parts += (separator, line)
            length += len(separator) + len(line)
            previous = line
    return "".join(parts), starts


def _furniture_key(line: str) -> str:
    """What a header, footer or page number has in common from page to page."""
    return _SPACE.sub("", _DIGITS.sub("#", line))


def _running_lines(page_lines: Sequence[Sequence[str]]) -> frozenset[str]:
    """Keys of the lines found at the edges of at least half of the pages (and of two at least)."""
    # A 公文's attachments each open a page with 附件N: at the top of most pages of a short notice, and
    # numbered like a page, but headings.
    pages_with = Counter(
        key
        for lines in page_lines
        for key in {
            _furniture_key(line)
            for line in [*lines[:_EDGE_LINES], *lines[-_EDGE_LINES:]]
            if not ATTACHMENT_HEADING.fullmatch(line)
        }
    )
    needed = max(2, math.ceil(_RUNNING_SHARE * len(page_lines)))
    return frozenset(key for key, count in pages_with.items() if count >= needed)


def _strip_furniture(lines: list[str], running: frozenset[str]) -> list[str]:
    start = _furniture_count(lines, running)
    end = len(lines) - _furniture_count(lines[start:][::-1], running)
    return lines[start:end]


def _furniture_count(lines: Sequence[str], running: frozenset[str]) -> int:
    """How many lines, from the first on, are running lines or page numbers.

    A page carries each running line once: a second copy is content, such as a
    title that repeats the running header on the first page.
    """
    seen: set[str] = set()
    for count, line in enumerate(lines):
        key = _furniture_key(line)
        if key in seen or not (key in running or _PAGE_NUMBER.fullmatch(key)):
            return count
        seen.add(key)
    return len(lines)


def _separator(previous: str, line: str, column: float) -> str:
    """What goes between two lines: "" undoes a hard wrap, " " between Latin words, "\n" keeps the break."""
    ends_sentence = previous.rstrip(_CLOSERS)[-1:] in _SENTENCE_END
    if ends_sentence or is_marker_line(line) or _width(previous) < _FULL_LINE_SHARE * column:
        return "\n"
    return " " if _is_latin(previous[-1]) and _is_latin(line[0]) else ""


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _column_width(lines: Sequence[str]) -> float:
    """The width of a full line of the text column."""
    widths = sorted((_width(line) for line in lines), reverse=True)
    return widths[len(widths) // _COLUMN_QUANTILE] if widths else 0


def _width(line: str) -> int:
    """Display width: hanzi and Chinese punctuation count 2, Latin letters and digits 1."""
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in line)
