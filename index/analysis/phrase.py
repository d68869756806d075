"""Exact phrase matching, insensitive to whitespace and to full/half-width forms."""

from __future__ import annotations

import unicodedata


def _fold(ch: str) -> str:
    # Fold full-width ASCII (Ａ１，) to half width, keep CJK punctuation distinct.
    return unicodedata.normalize("NFKC", ch).lower() if "\uff01" <= ch <= "\uff5e" else ch.lower()


def _folded(text: str) -> tuple[str, list[int]]:
    """Text without whitespace, width-folded, and the original offset of each kept character."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if not ch.isspace():
            chars.append(_fold(ch))
            offsets.append(i)
    return "".join(chars), offsets


def folded(text: str) -> str:
    """`text` as phrases are matched in it: without whitespace, width-folded."""
    return _folded(text)[0]


def phrase_spans(text: str, phrase: str) -> tuple[tuple[int, int], ...]:
    """Spans of `text` (original offsets) where the phrase occurs."""
    needle, _ = _folded(phrase)
    if not needle:
        return ()
    hay, offsets = _folded(text)
    spans = []
    start = hay.find(needle)
    while start != -1:
        spans.append((offsets[start], offsets[start + len(needle) - 1] + 1))
        start = hay.find(needle, start + 1)
    return tuple(spans)
