"""The units we embed for dense retrieval, each scoring the passage it lies in.

A passage is the unit we cite, not necessarily the unit we embed: a long article covers
several topics and its single vector matches none of them well. So we embed each sentence
or list item on its own and a passage scores by its best unit. bench/retrieval.py measured
the variants on the dev set (dense-only MRR@10): whole passages 0.61; sentences with the
title and heading path prepended 0.75; with the article's lead-in prepended to list items
0.83; plain sentences 0.84, which we keep. Headings still count through the lexical index.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Document
from ingest.sentences import split_sentences

MIN_UNIT = 6  # shorter sentences ("第五条") join the next one: alone they carry no topic


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
    """Each unit with the text the model embeds."""
    return [
        (Unit(p.id, start, end), p.text[start:end])
        for p in document.passages
        for start, end in sentence_spans(p.text)
    ]
