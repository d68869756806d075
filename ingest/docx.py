"""Word (.docx) to text: the body's paragraphs and tables in order, one line each.

Headers and footers live outside the body and are left out. A heading paragraph
(style Title, Heading n or 标题 n) becomes one line even when the author broke it
for layout, so that a two-line title still reads as a title. A table row becomes
one line with its cells separated by a tab; a merged cell is read once.
"""

from __future__ import annotations

import io
import re

import docx
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

DAMAGED = "Word文档已损坏，无法读取"

_HEADING_STYLE = re.compile(r"(?:Title|Heading\s*\d+|标题(?:\s*\d+)?)", re.IGNORECASE)
_CELL_SEPARATOR = "\t"


def docx_text(data: bytes) -> str:
    """The body text of a .docx file; ValueError with a Chinese reason when it cannot be read."""
    try:
        blocks = list(docx.Document(io.BytesIO(data)).iter_inner_content())
        lines = [line for block in blocks for line in _block_lines(block)]
    except Exception as exc:  # python-docx and lxml raise KeyError, XMLSyntaxError and more on a damaged file
        raise ValueError(DAMAGED) from exc
    return "\n".join(lines)


def _block_lines(block: Paragraph | Table) -> list[str]:
    if isinstance(block, Table):
        return [row for row in map(_row_line, block.rows) if row.strip()]
    style = block.style.name if block.style is not None else ""
    if _HEADING_STYLE.fullmatch(style or ""):
        return ["".join(block.text.splitlines())]
    return [block.text]


def _row_line(row: _Row) -> str:
    cells: list[_Cell] = []
    for cell in row.cells:
        if cells and cell._tc is cells[-1]._tc:  # a horizontally merged cell repeats in every grid column
            continue
        cells.append(cell)
    return _CELL_SEPARATOR.join(" ".join(cell.text.split()) for cell in cells)
