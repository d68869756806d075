"""OFD (GB/T 33190-2016) to text, read like a text PDF: e-government systems export 公文 in OFD.

OFD is China's fixed-layout format. Like a PDF it has pages of text drawn at positions and no
paragraphs: each line of a page is drawn as one or several text objects, in whatever order the
exporter wrote them, and a sentence runs on from one line, or one page, to the next. The package
is a zip of XML parts: OFD.xml names the document's Document.xml, which lists each page's
Content.xml and the template pages that pages draw on (where running headers and page numbers
often live). The text a page and its templates draw is put in reading order (`ingest.layout`),
one line per row, and the pages go through `ingest.pdf.join_pages` as a text PDF's do, which
peels running headers, footers and page numbers and undoes hard wraps.

Only text objects are read: paths, annotations (a stamp's appearance) and signatures (the seal) are
not the document's text. A page without text (`ingest.pdf.too_little_text`) whose largest image
covers most of it is a scan: that image is read by OCR (`ingest.ocr`), as a
scanned PDF page is. The package is checked for zip and XML bombs (`ingest.archive`) before any part
is parsed, and its declared page count is bounded before any page is read.
"""

from __future__ import annotations

import io
import math
import posixpath
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import accumulate
from typing import TYPE_CHECKING

from lxml import etree

from ingest.archive import DAMAGED, check_archive
from ingest.layout import Piece, reading_order, row_text
from ingest.model import SourceText
from ingest.pdf import paged_source, too_little_text

if TYPE_CHECKING:
    from PIL.Image import Image

OFD = "OFD文件"
NO_TEXT = "该OFD文件没有文字（可能是扫描件），无法导入"
TOO_MANY_PAGES = "OFD文件页数过多（共 {pages} 页，上限 {limit} 页），已拒绝"

MAX_PAGES = 5000  # a compilation of regulations runs to a thousand pages or two
_SCAN_SHARE = 0.5  # of the page's area an image covers to be the page's scan, not a logo or a photo
_ENTRY = "OFD.xml"  # the package's entry part, at its root
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# A glyph's em box around its baseline, as a share of the font size: CJK fonts rise about 0.8 above it.
_ASCENT, _DESCENT = 0.8, 0.2
# Gaps between pieces of a row, in ems. An exporter splits a line into pieces that touch (at a change of
# font, or glyph by glyph), and may leave a space undrawn: a gap of about an em per full-width space.
# Only the cells of a table stand wider apart.
_TOUCHING = 0.3  # narrower is no gap: the estimated advance of a Latin glyph (`_advance`) may be this far off
_CELL_GAP = 3.0
_CELL_SEPARATOR = "\t"  # as the Word reader separates a table's cells


def ofd_source(data: bytes, on_scan: Callable[[], object] | None = None) -> SourceText:
    """The text of an OFD file in clean form, with the offset where each page starts and the title its
    DocInfo states when the text opens with it; scanned pages read by OCR (`on_scan` is told before
    each). ValueError with a Chinese reason when it cannot be read."""
    check_archive(data, OFD)
    with _damage_refused():
        package = _Package(zipfile.ZipFile(io.BytesIO(data)))
    if len(package.pages) > MAX_PAGES:
        raise ValueError(TOO_MANY_PAGES.format(pages=len(package.pages), limit=MAX_PAGES))
    with _damage_refused():
        pages = [package.page(location) for location in package.pages]
    texts = [text for text, _ in pages]
    scanned = {n: scan for n, (text, scan) in enumerate(pages) if scan is not None and too_little_text(text)}
    scans: dict[int, str | None] = {}
    if scanned:
        from ingest.ocr import read_scans  # OCR's libraries, loaded only when a scan is met

        scans = read_scans(package.scans(scanned), on_scan)
    source = paged_source(texts, scans, "ofd")
    if not source.text:
        raise ValueError(NO_TEXT)
    # Exporters also fill DocInfo's title with a file name or a template's title: it is only trusted
    # when the first page says it too, and then it joins a title the page breaks over two lines.
    title = package.title
    stated = bool(title) and _squeeze(source.text).startswith(_squeeze(title))
    return replace(source, title=title) if stated else source


@contextmanager
def _damage_refused() -> Iterator[None]:
    try:
        yield
    except MemoryError:  # not damage: the worker's memory limit says so (ingest.isolation)
        raise
    except Exception as exc:  # zipfile, lxml and number parsing raise KeyError, XMLSyntaxError, ValueError…
        raise ValueError(DAMAGED.format(label=OFD)) from exc


class _Package:
    """An OFD package's first document (a package may hold several; exports hold one): its title as
    DocInfo states it ("" if none), its pages' locations in page order, and the text of each page."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        # Producers on Windows write locations in another case than the parts' names, or with "\".
        self._names = {name.lower(): name for name in archive.namelist()}
        self._parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        entry = self._xml(_ENTRY)
        body = next((b for b in entry.iterchildren("{*}DocBody") if b.findtext("{*}DocRoot")), None)
        if body is None:
            raise KeyError("DocRoot")
        self.title = " ".join((body.findtext("{*}DocInfo/{*}Title") or "").split())
        self._document = self._resolve(body.findtext("{*}DocRoot") or "", _ENTRY)
        document = self._xml(self._document)
        # Locations only: a page's part is found when it is read, after its number has been checked.
        self.pages = [page.get("BaseLoc", "") for page in document.iterfind("{*}Pages/{*}Page")]
        self._templates = {  # template page ID → its part
            template.get("ID", ""): self._resolve(template.get("BaseLoc", ""), self._document)
            for template in document.iterfind("{*}CommonData/{*}TemplatePage")
        }
        self._template_pieces: dict[str, list[Piece]] = {}  # every page draws the same templates: read once
        box = _numbers(document.findtext("{*}CommonData/{*}PageArea/{*}PhysicalBox") or "0 0 210 297")
        self._page_area = box[2] * box[3]
        self._media = self._media_parts(document)

    def page(self, location: str) -> tuple[str, str | None]:
        """The raw text of a page and the templates it draws on, one line per row, rows from the top;
        and the part of the image it is a scan of: its largest image, when that covers most of the page
        (None for a page without one)."""
        page = self._xml(self._resolve(location, self._document))
        pieces = _pieces(page)
        for template in page.iterchildren("{*}Template"):
            if (part := self._templates.get(template.get("TemplateID", ""))) is not None:
                if part not in self._template_pieces:
                    self._template_pieces[part] = _pieces(self._xml(part))
                pieces += self._template_pieces[part]
        images = [
            (width * height, image.get("ResourceID", ""))
            for image in page.iter("{*}ImageObject")
            for width, height in [_numbers(image.get("Boundary", "0 0 0 0"))[2:4]]
        ]
        area, resource = max(images, default=(0.0, ""))
        scan = self._media.get(resource) if area >= _SCAN_SHARE * self._page_area else None
        return "\n".join(_line(row) for row in reading_order(pieces)), scan

    def scans(self, parts: Mapping[int, str]) -> Iterator[tuple[int, Image]]:
        """Each scanned page (by index) as an image, decoded when the next is asked for."""
        from ingest.ocr import image_pages

        for n, part in parts.items():
            with _damage_refused():
                data = self._archive.read(part)
            yield n, image_pages(data)[0]

    def _media_parts(self, document: etree._Element) -> dict[str, str]:
        """Multimedia ID → its part, from the document's resource files (DocumentRes, PublicRes)."""
        media = {}
        for kind in ("DocumentRes", "PublicRes"):
            for location in document.iterfind(f"{{*}}CommonData/{{*}}{kind}"):
                part = self._resolve(location.text or "", self._document)
                resources = self._xml(part)
                base = posixpath.join(posixpath.dirname(part), resources.get("BaseLoc", "")).lstrip("/")
                for item in resources.iterfind("{*}MultiMedias/{*}MultiMedia"):
                    media[item.get("ID", "")] = self._resolve(item.findtext("{*}MediaFile") or "", f"{base}/")
        return media

    def _resolve(self, location: str, referrer: str) -> str:
        """The part a location names: relative to the folder of the part that gives it, or to the
        package's root when it starts with "/"."""
        location = location.strip().replace("\\", "/")
        folder = "" if location.startswith("/") else posixpath.dirname(referrer)
        return self._names[posixpath.normpath(posixpath.join(folder, location.lstrip("/"))).lower()]

    def _xml(self, part: str) -> etree._Element:
        return etree.fromstring(self._archive.read(part), self._parser)


def _pieces(page: etree._Element) -> list[Piece]:
    """Each text code a page (or template page) draws, wherever it stands in its layers and blocks."""
    return [piece for text_object in page.iter("{*}TextObject") for piece in _text_object_pieces(text_object)]


def _text_object_pieces(text_object: etree._Element) -> Iterator[Piece]:
    """A piece for each text code of a text object, its box in the page's space (mm, y downwards).

    A code's X and Y (its first glyph's baseline) are in the object's space: transformed by the
    object's CTM, from the origin of its Boundary. A code without X or Y takes the previous code's.
    """
    left, top = _numbers(text_object.get("Boundary", ""))[:2]
    size = _finite(text_object.get("Size", ""))
    if size <= 0:
        raise ValueError(size)
    ctm = tuple(_numbers(text_object.get("CTM", ""))) or _IDENTITY
    a, b, c, d, e, f = ctm
    x = y = 0.0
    for code in text_object.iterchildren("{*}TextCode"):
        x, y = _finite(code.get("X", x)), _finite(code.get("Y", y))
        text = "".join(code.itertext())
        if not text.strip():
            continue
        xs = list(accumulate(_steps_x(code.get("DeltaX"), text, size), initial=x))
        ys = list(accumulate(_steps_y(code.get("DeltaY"), text), initial=y))
        box_left, box_right = min(xs), max(xs[-1] + _advance(text[-1], size), max(xs))
        box_top, box_bottom = min(ys) - _ASCENT * size, max(ys) + _DESCENT * size
        corners = [(u, v) for u in (box_left, box_right) for v in (box_top, box_bottom)]
        page_xs = [left + a * u + c * v + e for u, v in corners]
        page_ys = [top + b * u + d * v + f for u, v in corners]
        yield Piece(min(page_xs), min(page_ys), max(page_xs), max(page_ys), text)


def _steps_x(delta: str | None, text: str, size: float) -> list[float]:
    """The offset from each glyph to the next: as DeltaX lists them, then the glyphs' own advances."""
    steps = _offsets(delta, len(text) - 1)
    return steps + [_advance(char, size) for char in text[len(steps) : -1]]


def _steps_y(delta: str | None, text: str) -> list[float]:
    """The vertical offset from each glyph to the next: as DeltaY lists them, else none."""
    steps = _offsets(delta, len(text) - 1)
    return steps + [0.0] * (len(text) - 1 - len(steps))


def _offsets(delta: str | None, count: int) -> list[float]:
    """The first `count` values of a DeltaX or DeltaY list, where "g 3 5.2" stands for 5.2 three times:
    never more, whatever count a "g" claims."""
    tokens = (delta or "").split()
    values: list[float] = []
    at = 0
    while at < len(tokens) and len(values) < count:
        if tokens[at] == "g":
            repeat = max(0, min(int(tokens[at + 1]), count - len(values)))
            values += [_finite(tokens[at + 2])] * repeat
            at += 3
        else:
            values.append(_finite(tokens[at]))
            at += 1
    return values


def _advance(char: str, size: float) -> float:
    """A glyph's advance where no DeltaX says it: an em for hanzi and Chinese punctuation, half for the
    rest, as in the fonts 公文 are set in (the font file's metrics are not read)."""
    return size if unicodedata.east_asian_width(char) in "WFA" else size / 2


def _numbers(value: str) -> list[float]:
    return [_finite(token) for token in value.split()]


def _finite(token: str | float) -> float:
    number = float(token)
    if not math.isfinite(number):
        raise ValueError(token)
    return number


def _line(row: Sequence[Piece]) -> str:
    """A row's text: pieces that touch run on; a gap between Latin words is a space, as `row_text`
    joins them, and any other gap the full-width spaces it stands for; pieces as far apart as a
    table's cells are separated by a tab."""
    cells: list[list[Piece]] = [[row[0]]]
    for piece in row[1:]:
        last = cells[-1][-1]
        gap = (piece.left - last.right) / max(piece.bottom - piece.top, last.bottom - last.top)
        if gap >= _CELL_GAP:
            cells.append([piece])
        elif gap >= _TOUCHING and _is_latin(last.text[-1]) and _is_latin(piece.text[0]):
            cells[-1].append(piece)
        else:
            space = "\u3000" * max(1, round(gap)) if gap >= _TOUCHING else ""
            top, bottom = min(last.top, piece.top), max(last.bottom, piece.bottom)
            right = max(last.right, piece.right)
            cells[-1][-1] = Piece(last.left, top, right, bottom, last.text + space + piece.text)
    return _CELL_SEPARATOR.join(row_text(cell) for cell in cells)


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _squeeze(text: str) -> str:
    return "".join(text.split())
