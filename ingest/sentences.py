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


def split_sentences(text: str) -> list[Span]:
    """Sentences and list items of `text`: split after 。！？； and at every line break."""
    return _trimmed_spans(_SENTENCE.finditer(text), text)


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
