"""Cut a document's text into passages: the units we retrieve and cite.

One passage per article (条) or plan item, its lead-in kept with its list items.
A unit longer than MAX_CHARS is split into balanced parts at paragraph breaks when
that costs no extra part, else at sentence ends; each part keeps the unit's identity
and says which part it is. Unnumbered text (a preamble, 总纲, a chapter's
introduction) is gathered paragraph by paragraph into passages of about GROUP_CHARS
to MAX_CHARS; a paragraph longer than that is split at sentence ends. Heading lines
are in no passage: the outline holds them, and every passage carries its heading
path and citation.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from ingest.model import Passage, Section
from ingest.outline import UNIT_KINDS, heading_line
from ingest.sentences import Span, paragraph_spans, split_sentences

MAX_CHARS = 600
GROUP_CHARS = 400
_CITED_HEADING_CHARS = 10
_CLAUSE_BREAK = re.compile(r"[，、：,:]")  # where an over-long sentence is cut; also ends a cited heading
_KEY_NUMBER = re.compile(r"(\d+)(?:r\d+)?$")  # an item's number ends its key: "i1.n3", repeated "i1.n3r2"


def build_passages(
    text: str, outline: Sequence[Section], document_id: str, title: str
) -> tuple[Passage, ...]:
    """All passages of a document, in text order, with ids stable across re-ingests."""
    passages: list[Passage] = []

    def visit(section: Section, path: tuple[Section, ...]) -> None:
        path = (*path, section)
        if section.kind in UNIT_KINDS:
            parts = _split_unit(text, section.start, section.end)
            for k, (start, end) in enumerate(parts, start=1):
                split = (k, len(parts)) if len(parts) > 1 else None
                suffix = f"-p{k}" if split else ""
                add(f"{section.key}{suffix}", start, end, path, split)
        else:
            line = heading_line(section, text)
            content_start = line[1] if line else section.start
            content_end = section.children[0].start if section.children else section.end
            groups = _group_paragraphs(text, content_start, content_end)
            for k, (start, end) in enumerate(groups, start=1):
                key = f"pre{k}" if section.kind == "preamble" else f"{section.key}.p{k}"
                add(key, start, end, path, None)
        for child in section.children:
            visit(child, path)

    def add(key: str, start: int, end: int, path: tuple[Section, ...], part: tuple[int, int] | None) -> None:
        passages.append(
            Passage(
                id=f"{document_id}-{key}",
                document_id=document_id,
                ordinal=len(passages),
                text=text[start:end],
                start=start,
                end=end,
                heading_path=tuple(section.heading for section in path),
                citation=_citation(title, path, part),
                section_key=path[-1].key,
                part=part,
            )
        )

    for section in outline:
        visit(section, ())
    return tuple(passages)


def _citation(title: str, path: tuple[Section, ...], part: tuple[int, int] | None) -> str:
    """《中国共产党章程》第一章 第八条 (2/3)."""
    citation = f"《{title}》" + " ".join(_cited_as(section) for section in path)
    return f"{citation} ({part[0]}/{part[1]})" if part else citation


def _cited_as(section: Section) -> str:
    """How a citation names a section: 第二章, 第八条, 总纲, 工作要求, 第3项, 一、突出政治统领…"""
    if section.kind == "item":
        return f"第{_KEY_NUMBER.findall(section.key)[0]}项"
    if section.kind == "piece":  # one of several articles on a page: its title, abridged
        return _abridged(section.label)
    if section.kind == "attachment":  # 附件2
        return section.label
    if section.label.startswith("第"):
        return section.label
    if not section.title:  # an unnumbered heading is all label
        return _abridged(section.label)
    # 一、 alone says nothing: cite it with the start of its title.
    return section.heading[: len(section.heading) - len(section.title)] + _abridged(section.title)


def _abridged(heading: str) -> str:
    """A heading up to its first clause break, at most 10 characters; "…" marks a cut."""
    short = _CLAUSE_BREAK.split(heading, maxsplit=1)[0][:_CITED_HEADING_CHARS]
    return short if short == heading else f"{short}…"


def _split_unit(text: str, start: int, end: int) -> list[Span]:
    """One span for a short unit; balanced parts of at most MAX_CHARS for a long one."""
    if end - start <= MAX_CHARS:
        return [(start, end)]
    sentences = _sentence_units(text, start, end)
    paragraphs: list[Span] = []
    for para_start, para_end in paragraph_spans(text, start, end):
        if para_end - para_start <= MAX_CHARS:
            paragraphs.append((para_start, para_end))
        else:
            paragraphs.extend(_sentence_units(text, para_start, para_end))
    by_paragraph, by_sentence = _partition(paragraphs), _partition(sentences)
    return by_paragraph if len(by_paragraph) == len(by_sentence) else by_sentence


def _group_paragraphs(text: str, start: int, end: int) -> list[Span]:
    """Consecutive unnumbered paragraphs gathered into groups of about GROUP_CHARS to MAX_CHARS."""
    groups: list[Span] = []
    can_grow = False  # the last group is whole paragraphs and may take the next one
    for para_start, para_end in paragraph_spans(text, start, end):
        if para_end - para_start > MAX_CHARS:
            groups.extend(_partition(_sentence_units(text, para_start, para_end)))
            can_grow = False
        elif can_grow and _fits(groups[-1], para_end):
            groups[-1] = (groups[-1][0], para_end)
        else:
            groups.append((para_start, para_end))
            can_grow = True
    return groups


def _fits(group: Span, end: int) -> bool:
    """Whether a group still below GROUP_CHARS may grow up to `end` within MAX_CHARS."""
    return group[1] - group[0] < GROUP_CHARS and end - group[0] <= MAX_CHARS


def _sentence_units(text: str, start: int, end: int) -> list[Span]:
    """Sentences of text[start:end], as offsets into `text`, none longer than MAX_CHARS."""
    units: list[Span] = []
    for sent_start, sent_end in split_sentences(text[start:end]):
        sentence = (start + sent_start, start + sent_end)
        units.extend([sentence] if sent_end - sent_start <= MAX_CHARS else _clause_units(text, *sentence))
    return units


def _clause_units(text: str, start: int, end: int) -> list[Span]:
    """A sentence too long for one passage, cut after each ，、：; a clause still too long in equal pieces."""
    breaks = [match.end() for match in _CLAUSE_BREAK.finditer(text, start, end) if match.end() < end]
    units: list[Span] = []
    for clause_start, clause_end in itertools.pairwise([start, *breaks, end]):
        pieces = -(-(clause_end - clause_start) // MAX_CHARS)  # ceiling division
        size = -(-(clause_end - clause_start) // pieces)
        units.extend((at, min(at + size, clause_end)) for at in range(clause_start, clause_end, size))
    return units


def _pack(units: Sequence[Span], limit: int) -> list[Span]:
    """Greedy grouping of consecutive units into spans of at most `limit` (or one unit)."""
    groups: list[Span] = []
    for start, end in units:
        if groups and end - groups[-1][0] <= limit:
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    return groups


def _partition(units: Sequence[Span]) -> list[Span]:
    """The fewest groups of at most MAX_CHARS, with the longest group as short as possible.

    Greedy packing gives the fewest groups for a limit; the smallest limit that still
    gives that many groups balances them, so no tiny last part is left over.
    """
    fewest = len(_pack(units, MAX_CHARS))
    low, high = max(end - start for start, end in units), MAX_CHARS
    while low < high:
        middle = (low + high) // 2
        if len(_pack(units, middle)) <= fewest:
            high = middle
        else:
            low = middle + 1
    return _pack(units, low)
