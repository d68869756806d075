"""Offsets of matched query terms inside a passage, for highlighting."""

from __future__ import annotations

from collections.abc import Iterable


def merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def term_spans(text: str, terms: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """Every occurrence of every term (longest terms win where they overlap, by merging)."""
    lowered = text.lower()
    spans = []
    for term in {t for t in terms if t}:
        start = lowered.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + 1)
    return merge_spans(spans)
