"""Word (.docx) to text: the body's paragraphs and tables in order, one line each, and which are headings.

Headers and footers live outside the body and are left out. Headings are paragraphs
styled Title (level 1) or Heading n (level n), also under the Chinese names WPS gives
these styles (标题, 标题 n), and paragraphs with an outline level (大纲级别) of their own
or from their style, as custom 公文 styles such as 一级标题 have. A heading becomes one
line even when the author broke it for layout, so that a two-line title still reads
as a title. A table row becomes one line with its cells separated by a tab; a merged
cell is read once.

A .docx is a zip of XML parts, and python-docx unpacks and parses every part whole,
so a file is checked before it is opened: a zip bomb (parts that inflate to gigabytes)
is found from the sizes the archive declares, which bound what unpacking can produce,
and a document type declaration, where "billion laughs" entities are declared, from
the first bytes of each part. Word never writes either.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

import docx
from docx.oxml.ns import qn
from docx.oxml.text.parfmt import CT_PPr
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

DAMAGED = "Word文档已损坏，无法读取"
TOO_LARGE = "Word文档解压后过大（约 {mb} MB，疑似压缩炸弹），已拒绝"
ABSURD_RATIO = "Word文档中的 {part} 压缩比异常（约 {ratio} 倍，疑似压缩炸弹），已拒绝"
ENTITIES = "Word文档含有XML实体定义（疑似XML炸弹），已拒绝"

MAX_UNPACKED = 200 * 2**20  # a 1000-page document with photos unpacks to tens of MB
# XML of real documents compresses 5 to 40 times; deflate cannot exceed about 1030.
MAX_RATIO = 200
_RATIO_FROM = 20 * 2**20  # small parts may compress to almost nothing without harm
_XML_PARTS = (".xml", ".rels")  # the parts python-docx parses, as Word names them
_PROLOG_WINDOW = 64 * 2**10  # Word writes an XML declaration and nothing else before the root element
# Whitespace, processing instructions (the XML declaration) and comments: what may precede a DTD.
_PROLOG_ITEMS = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)

_HEADING_STYLE = re.compile(r"Title|标题|(?:Heading|标题)\s*(?P<level>[1-9])", re.IGNORECASE)
_BODY_TEXT_OUTLINE_LEVEL = 9  # w:outlineLvl counts from 0; 9 means body text
_CELL_SEPARATOR = "\t"


def docx_text(data: bytes) -> tuple[str, list[tuple[str, int]]]:
    """The body text of a .docx file and its headings as (line, level), in text order.

    Raises ValueError with a Chinese reason when the file cannot be read.
    """
    check_archive(data)
    lines: list[str] = []
    headings: list[tuple[str, int]] = []
    try:
        for block in docx.Document(io.BytesIO(data)).iter_inner_content():
            if isinstance(block, Table):
                lines += [row for row in map(_row_line, block.rows) if row.strip()]
            elif level := _heading_level(block):
                line = "".join(block.text.splitlines())
                lines.append(line)
                headings.append((line, level))
            else:
                lines.append(block.text)
    except MemoryError:  # not damage: the worker's memory limit says so (ingest.isolation)
        raise
    except Exception as exc:  # python-docx and lxml raise KeyError, XMLSyntaxError and more on a damaged file
        raise ValueError(DAMAGED) from exc
    return "\n".join(lines), headings


def check_archive(data: bytes) -> None:
    """Refuse a zip bomb or an XML part with a DTD; ValueError with a Chinese reason.

    Cheap whatever the file: the sizes come from the archive's directory, and of each
    part only its first bytes are inflated. zipfile never unpacks more than a part's
    declared size (a lie fails the CRC check), so the declared sizes can be trusted.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            problem = _size_problem(parts) or _dtd_problem(archive, parts)
    except MemoryError:
        raise
    except Exception as exc:  # zipfile raises BadZipFile, zlib.error, NotImplementedError, RuntimeError…
        raise ValueError(DAMAGED) from exc
    if problem:
        raise ValueError(problem)


def _size_problem(parts: list[zipfile.ZipInfo]) -> str | None:
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED:
        return TOO_LARGE.format(mb=unpacked // 2**20)
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            return ABSURD_RATIO.format(part=part.filename, ratio=round(ratio))
    return None


def _dtd_problem(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> str | None:
    for part in parts:
        if not part.filename.lower().endswith(_XML_PARTS):
            continue  # pictures, and SVG or HTML parts that may carry a DTD harmlessly: never parsed as XML
        with archive.open(part) as stream:
            head = stream.read(_PROLOG_WINDOW)
        if _has_dtd(head, complete=len(head) < _PROLOG_WINDOW):
            return ENTITIES
    return None


def _has_dtd(head: bytes, *, complete: bool) -> bool:
    """Whether the start of a part holds a document type declaration, or a prolog too long to tell.

    A DTD can only stand in the prolog, before the root element.
    """
    text = _decode_head(head)
    rest = text[_PROLOG_ITEMS.match(text).end() :]
    if rest[:9].upper() == "<!DOCTYPE":
        return True
    return not complete and (not rest or rest.startswith(("<!", "<?")))  # the prolog runs past the window


def _decode_head(head: bytes) -> str:
    """The start of an XML part as text, well enough to read its markup: UTF-8 or UTF-16, BOM or not."""
    if head.startswith((codecs.BOM_UTF16_LE, b"<\0")):
        return head.decode("utf-16-le", errors="ignore").removeprefix("\ufeff")
    if head.startswith((codecs.BOM_UTF16_BE, b"\0<")):
        return head.decode("utf-16-be", errors="ignore").removeprefix("\ufeff")
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")  # markup is ASCII


def _heading_level(paragraph: Paragraph) -> int | None:
    """The level of a heading paragraph (1 outermost), None for any other paragraph."""
    style = paragraph.style
    if style is not None and (match := _HEADING_STYLE.fullmatch(style.name or "")):
        return int(match["level"] or 1)
    level = _outline_level(paragraph._p.pPr)  # set on the paragraph itself, else inherited from its styles
    while level is None and style is not None:
        level = _outline_level(style.element.pPr)
        style = style.base_style
    return level + 1 if level is not None and level < _BODY_TEXT_OUTLINE_LEVEL else None


def _outline_level(properties: CT_PPr | None) -> int | None:
    """The w:outlineLvl a paragraph's or style's properties set, if any."""
    element = properties.find(qn("w:outlineLvl")) if properties is not None else None
    value = element.get(qn("w:val"), "") if element is not None else ""
    return int(value) if value.isdigit() else None


def _row_line(row: _Row) -> str:
    cells: list[_Cell] = []
    for cell in row.cells:
        if cells and cell._tc is cells[-1]._tc:  # a horizontally merged cell repeats in every grid column
            continue
        cells.append(cell)
    return _CELL_SEPARATOR.join(" ".join(cell.text.split()) for cell in cells)
