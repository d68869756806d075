"""The units we embed for dense retrieval, each scoring the passage it lies in.

A passage is the unit we cite, not necessarily the unit we embed: a long article covers
several topics and its single vector matches none of them well. So we embed each sentence
or list item on its own and a passage scores by its best unit. bench/retrieval.py measured
the variants on the dev set (dense-only MRR@10): whole passages 0.61; sentences with the
title and heading path prepended 0.75; with the article's lead-in prepended to list items
0.83; plain sentences 0.84, which we keep. Headings still count through the lexical index.

An article of a regulation states its subject once, and its later sentences lean on it: 「在特殊情况下，
经上一级委员会批准，可以提前或延期举行」 says nothing of 党代会 without the sentence before it. So
within articles two adjacent sentences are embedded together too, as a window unit beside the two
sentence units (bench/RESULTS.md: core R@1 and first quote right up). Every saved page's windows as
well ranked the library a little better, but cost one and a half times the sentences' embedding again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ingest.model import Document
from ingest.outline import iter_sections
from ingest.sentences import split_sentences

MIN_UNIT = 6  # shorter sentences ("第五条") join the next one: alone they carry no topic
WINDOW_CHARS = 200  # two adjacent sentences of an article are a window unit up to this length


@dataclass(frozen=True, slots=True)
class Unit:
    passage_id: str
    start: int  # offsets within the passage text
    end: int


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans, with fragments shorter than MIN_UNIT joined to the sentence after them."""
    spans: list[tuple[int, int]] = []
    pending: int | None = None
    for start, end in split_sentences(text):
        if pending is not None:
            start, pending = pending, None
        if end - start < MIN_UNIT:
            pending = start
            continue
        spans.append((start, end))
    if pending is not None:  # a short fragment at the end joins the sentence before it
        last_end = len(text.rstrip())
        spans[-1:] = [(spans[-1][0] if spans else pending, last_end)]
    return spans


def dense_units(document: Document) -> list[tuple[Unit, str]]:
    """Each unit with the text the model embeds: every sentence, and in articles every window of two
    adjacent sentences."""
    articles = {s.key for s in iter_sections(document.outline) if s.kind == "article"}
    units: list[tuple[Unit, str]] = []
    for p in document.passages:
        spans = sentence_spans(p.text)
        units += [(Unit(p.id, start, end), p.text[start:end]) for start, end in spans]
        if p.section_key in articles:
            units += [
                (Unit(p.id, start, end), p.text[start:end])
                for (start, _), (_, end) in pairwise(spans)
                if end - start <= WINDOW_CHARS
            ]
    return units


def sentence_units(units: Sequence[tuple[int, int, int]]) -> list[bool]:
    """Of (passage row, start, end) units as stored, which are sentences, not windows: a window
    overlaps the sentence units it joins."""
    kept = [False] * len(units)
    reached: dict[int, int] = {}  # passage row -> end of its last sentence so far
    for i in sorted(range(len(units)), key=lambda i: units[i]):
        row, start, end = units[i]
        if start >= reached.get(row, 0):
            kept[i], reached[row] = True, end
    return kept
