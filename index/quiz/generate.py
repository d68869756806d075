"""Draft quiz items on a topic, each provable from its quoted source.

The passages that treat the topic (as for a digest) are read in rank order; their statements and
facts (index.quiz.facts) become items: a cloze blanks a fact, a choice offers it among three
distractors of its kind, a judge item states the source (true) or the source with one fact changed
(false). The seed shuffles the candidates among passages of about the same rank, so the same seed
gives the same items; no fact is asked twice, and a statement serves one item until every statement
has served one.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import cycle

from index.quiz.distractors import distractors
from index.quiz.facts import Fact, Statement, statements
from index.quiz.model import KINDS, QuizItem, QuizSource
from index.retrieval.search import Searcher
from index.study.digest import treating
from ingest.model import Passage

BLANK = "______"
CHOICE_BLANK = "（    ）"
OPTIONS = 4
LETTERS = "ABCD"
PASSAGES = 40  # passages on the topic read for candidates
RANK_TIER = 4  # passages within this many ranks of each other count as equally good sources
# Facts a member is asked about first: definitions, who decides, numbers and periods, then list items.
_PREFERENCE = {"term": 0, "body": 0, "number": 1, "period": 1, "item": 2}
_MODALS = (("必须", "不必"), ("不得", "可以"), ("禁止", "允许"))  # a judge item's changed obligation


@dataclass(frozen=True, slots=True)
class _Candidate:
    passage: Passage
    document_title: str
    statement: Statement
    fact: Fact | None  # None: the statement's obligation (必须, 不得) is what a judge item turns round


@dataclass(frozen=True, slots=True)
class _Draw:
    """What choosing options needs: the seeded generator and the topic's own facts."""

    rng: random.Random
    near: set[str]


def generate(
    live: Searcher,
    topic: str,
    *,
    kinds: Sequence[str] = KINDS,
    n: int = 20,
    seed: int = 0,
    documents: Collection[str] | None = None,
    exclude: Collection[str] = (),
) -> list[QuizItem]:
    """Up to `n` items of `kinds` in turn; items whose ID is in `exclude` are not made again."""
    rng = random.Random(seed)
    candidates = _candidates(live, topic, documents, rng)
    near = {c.fact.text for c in candidates if c.fact is not None}
    # By text, not place: a sentence two documents share is one statement.
    asked: set[tuple[str, int, int]] = set()  # facts (and true statements) already used
    used: set[str] = set()  # statements already quoted
    items: list[QuizItem] = []
    seen_ids = set(exclude)
    judged = 0
    for reuse in (False, True):
        wanted = cycle(kinds)
        stalled = 0
        while len(items) < n and stalled < len(kinds):
            kind = next(wanted)
            truth = kind == "judge" and judged % 2 == 1
            item = _first(live, kind, truth, candidates, asked, used, seen_ids, reuse, _Draw(rng, near))
            if item is None:
                stalled += 1
                continue
            stalled = 0
            judged += kind == "judge"
            items.append(item)
            seen_ids.add(item.id)
    return items


def _candidates(
    live: Searcher, topic: str, documents: Collection[str] | None, rng: random.Random
) -> list[_Candidate]:
    found: list[tuple[int, int, float, _Candidate]] = []
    for rank, row in enumerate(treating(live, topic, PASSAGES, documents)):
        passage = live.passages[row]
        title = live.titles[passage.document_id]
        for statement in statements(passage.text):
            sentence = passage.text[statement.start : statement.end]
            options: list[Fact | None] = list(statement.facts)
            if any(word in sentence for word, _ in _MODALS):
                options.append(None)
            for fact in options:
                preference = 1 if fact is None else _PREFERENCE[fact.kind]
                found.append(
                    (rank // RANK_TIER, preference, rng.random(), _Candidate(passage, title, statement, fact))
                )
    found.sort(key=lambda c: c[:3])
    return [c[3] for c in found]


def _first(
    live: Searcher,
    kind: str,
    truth: bool,
    candidates: list[_Candidate],
    asked: set[tuple[str, int, int]],
    used: set[str],
    seen_ids: set[str],
    reuse: bool,
    draw: _Draw,
) -> QuizItem | None:
    """The first candidate that makes an item of `kind`, marked as used; None when none does."""
    for candidate in candidates:
        statement, passage = candidate.statement, candidate.passage
        place = (passage.id, statement.start)
        if place in used and not reuse:
            continue
        fact = candidate.fact
        key = (
            (passage.id, statement.start, -1) if truth or fact is None else (passage.id, fact.start, fact.end)
        )
        if key in asked or (fact is None and kind != "judge"):
            continue
        item = _make(live, kind, truth, candidate, draw)
        if item is None or item.id in seen_ids:
            continue
        asked.add(key)
        used.add(place)
        return item
    return None


def _make(live: Searcher, kind: str, truth: bool, candidate: _Candidate, draw: _Draw) -> QuizItem | None:
    """The item of `kind` the candidate makes, None when it makes none."""
    passage, statement, fact = candidate.passage, candidate.statement, candidate.fact
    quote = passage.text[statement.start : statement.end]
    source = QuizSource(
        passage.id, candidate.document_title, passage.citation, quote, statement.start, statement.end
    )
    cited = f"原文：「{quote}」（{passage.citation}）"
    if kind == "judge" and truth:
        return _item(kind, source, -1, _flat(quote), True, f"正确。{cited}")
    if kind == "judge":
        changed = _changed(live, quote, statement, fact, draw)
        if changed is None:
            return None
        false, was, now = changed
        why = f"错误。原文为「{was}」，而非「{now}」。{cited}"
        return _item(kind, source, fact.start if fact else -1, false, False, why)
    assert fact is not None
    a, b = fact.start - statement.start, fact.end - statement.start
    if kind == "cloze":
        return _item(kind, source, fact.start, _flat(quote[:a] + BLANK + quote[b:]), fact.text, cited)
    wrong = distractors(live, fact, quote, OPTIONS - 1, draw.rng, draw.near)
    if len(wrong) < OPTIONS - 1:
        return None
    options = [fact.text, *wrong]
    draw.rng.shuffle(options)
    question = _flat(quote[:a] + CHOICE_BLANK + quote[b:])
    return _item(kind, source, fact.start, question, fact.text, f"答案：{fact.text}。{cited}", tuple(options))


def _changed(
    live: Searcher, quote: str, statement: Statement, fact: Fact | None, draw: _Draw
) -> tuple[str, str, str] | None:
    """The quote with one fact changed (a number, an item, a body) or its obligation turned round,
    as (statement, the source's words, the changed words)."""
    if fact is None:
        for word, opposite in _MODALS:
            if word in quote:
                return _flat(quote.replace(word, opposite, 1)), word, opposite
        return None
    other = distractors(live, fact, quote, 1, draw.rng, draw.near)
    if not other:
        return None
    a, b = fact.start - statement.start, fact.end - statement.start
    return _flat(quote[:a] + other[0] + quote[b:]), fact.text, other[0]


def _item(
    kind: str,
    source: QuizSource,
    asks: int,
    question: str,
    answer: str | bool,
    explanation: str,
    options: tuple[str, ...] = (),
) -> QuizItem:
    digest = hashlib.sha1(f"{kind}|{source.passage_id}|{source.start}|{asks}|{answer}".encode()).hexdigest()
    return QuizItem(f"{kind}-{digest[:10]}", kind, question, answer, explanation, source, options)


def _flat(text: str) -> str:
    """A question on one line: the line breaks of a quoted list dropped (the quote keeps them)."""
    return re.sub(r"\s*\n\s*", "", text)
