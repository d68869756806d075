"""Spans of the smallest text units: paragraphs (lines) and sentences.

Spans are (start, end) offsets into the text they were computed from, trimmed
of surrounding whitespace and never empty, so that together they cover every
non-whitespace character exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_TERMINATORS = "。！？；!?;"
_CLOSERS = "”’」』）)】〕》〉\"'"  # a closing quote or bracket stays with the sentence it ends
_SENTENCE = re.compile(rf"[^\n{_TERMINATORS}]*[{_TERMINATORS}]+[{_CLOSERS}]*|[^\n]+")
_LINE = re.compile(r"[^\n]+")

Span = tuple[int, int]


MAX_QUOTED = 300  # a quotation longer than this is read as its own sentences (an unclosed “ is a typo)


def split_sentences(text: str) -> list[Span]:
    """Sentences and list items of `text`: split after 。！？； and at every line break, but never inside
    a quotation (“砍头不要紧，只要主义真。杀了夏明翰，还有后来人” is one saying)."""
    spans = _trimmed_spans(_SENTENCE.finditer(text), text)
    merged: list[Span] = []
    for start, end in spans:
        if (
            merged
            and _open_quote(text, *merged[-1])
            and "\n" not in text[merged[-1][1] : start]
            and end - merged[-1][0] <= MAX_QUOTED
        ):
            merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    return merged


def _open_quote(text: str, start: int, end: int) -> bool:
    part = text[start:end]
    return part.count("“") > part.count("”")


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The non-blank lines of `text[start:end]`, as offsets into `text`."""
    stop = len(text) if end is None else end
    return _trimmed_spans(_LINE.finditer(text, start, stop), text)


def _trimmed_spans(matches: Iterator[re.Match[str]], text: str) -> list[Span]:
    spans = []
    for match in matches:
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans
