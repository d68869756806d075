"""Positioned pieces of text into lines: what OCR recognises on a scan and what an OFD page draws
are both pieces of text at places on the page, with no lines or reading order of their own.

The pieces are put in rows from the top, each row's pieces from the left, and a row becomes one
line of the page's raw text, for `ingest.pdf.join_pages` to peel page furniture and undo hard wraps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of a line: its box (the page's units, y growing downwards) and text."""

    left: float
    top: float
    right: float
    bottom: float
    text: str
    score: float = 1.0  # OCR's confidence; text a file states is certain


def reading_order(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """Rows from the top, each row's pieces from the left. A piece joins a row when it overlaps the
    row's height by half of its own: a skewed scan's lines still fall into rows of their own."""
    rows: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (p.top + p.bottom) / 2):
        row = rows[-1] if rows else None
        if row is not None:
            top, bottom = min(p.top for p in row), max(p.bottom for p in row)
            overlap = min(bottom, piece.bottom) - max(top, piece.top)
            if overlap >= 0.5 * (piece.bottom - piece.top):
                row.append(piece)
                continue
        rows.append([piece])
    return [sorted(row, key=lambda p: p.left) for row in rows]


def row_text(row: Sequence[Piece]) -> str:
    """A row's pieces, which stand apart, as one line: a space only between Latin words."""
    text = row[0].text
    for piece in row[1:]:
        latin = text[-1:].isascii() and text[-1:].isalnum() and piece.text[:1].isascii()
        text += (" " if latin else "") + piece.text
    return text
