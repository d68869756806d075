"""Word (.docx) to text: the body's paragraphs and tables in order, one line each, and which are headings.

Headers and footers live outside the body and are left out. Headings are paragraphs
styled Title (level 1) or Heading n (level n), also under the Chinese names WPS gives
these styles (标题, 标题 n), and paragraphs with an outline level (大纲级别) of their own
or from their style, as custom 公文 styles such as 一级标题 have. A heading becomes one
line even when the author broke it for layout, so that a two-line title still reads
as a title. A table row becomes one line with its cells separated by a tab; a merged
cell is read once.
"""

from __future__ import annotations

import io
import re

import docx
from docx.oxml.ns import qn
from docx.oxml.text.parfmt import CT_PPr
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from ingest.archive import DAMAGED, check_archive
from ingest.model import SourceText

WORD = "Word文档"

_HEADING_STYLE = re.compile(r"Title|标题|(?:Heading|标题)\s*(?P<level>[1-9])", re.IGNORECASE)
_BODY_TEXT_OUTLINE_LEVEL = 9  # w:outlineLvl counts from 0; 9 means body text
_CELL_SEPARATOR = "\t"


def docx_source(data: bytes, file_format: str = "docx") -> SourceText:
    """The body text of a .docx file and its headings as (line, level), in text order; `file_format`
    names the file it was converted from, if any.

    Raises ValueError with a Chinese reason when the file cannot be read.
    """
    check_archive(data, WORD)
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
        raise ValueError(DAMAGED.format(label=WORD)) from exc
    return SourceText("\n".join(lines), file_format, headings=tuple(headings))


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
