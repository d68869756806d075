"""Retrieval evaluation on question sets with gold answers (format: ../shared/eval/README.md).

A gold alternative is a string, or a list of strings that must all appear in ONE passage;
matching ignores whitespace; passages over 600 characters never count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.model import Answer

MAX_CITED = 600
KS = (1, 3, 5, 10)
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: str
    query: str
    gold: tuple[tuple[str, ...], ...]  # alternatives; each a tuple of strings that must co-occur


@dataclass(slots=True)
class Report:
    n: int
    recall: dict[int, float]
    mrr: float
    misses: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            **{f"R@{k}": round(v, 4) for k, v in self.recall.items()},
            "MRR@10": round(self.mrr, 4),
            "misses": self.misses,
        }


def load_questions(path: Path) -> list[Question]:
    """A JSONL question set; a plain text file is read as unanswerable questions, one per line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix != ".jsonl":
        rows = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        return [Question(f"{path.stem}-{i}", "abstain", row, ()) for i, row in enumerate(rows, 1)]
    questions = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        gold = tuple((g,) if isinstance(g, str) else tuple(g) for g in row["gold"])
        questions.append(Question(row["id"], row.get("kind", ""), row["query"], gold))
    return questions


def _squash(text: str) -> str:
    return _WS.sub("", text)


def satisfies(text: str, gold: Sequence[Sequence[str]]) -> bool:
    if len(text) > MAX_CITED:
        return False
    flat = _squash(text)
    return any(all(_squash(s) in flat for s in alternative) for alternative in gold)


def first_hit_rank(texts: Sequence[str], gold: Sequence[Sequence[str]]) -> int | None:
    """1-based rank of the first satisfying text, or None."""
    return next((i for i, t in enumerate(texts, 1) if satisfies(t, gold)), None)


def evaluate(questions: Sequence[Question], retrieve: Callable[[str], Sequence[str]]) -> Report:
    """`retrieve` returns the ranked passage texts (top 10) for a query."""
    ranks: list[int | None] = []
    misses = []
    for q in questions:
        texts = list(retrieve(q.query))[:10]
        rank = first_hit_rank(texts, q.gold)
        ranks.append(rank)
        if rank != 1:
            misses.append({"id": q.id, "query": q.query, "rank": rank, "top": texts[0][:80] if texts else ""})
    n = len(questions) or 1
    recall = {k: sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    mrr = sum(1 / r for r in ranks if r is not None) / n
    return Report(len(questions), recall, mrr, misses)


@dataclass(frozen=True, slots=True)
class AnswerReport:
    """How answers fare: in-domain questions should get a right first quote, out-of-domain ones a refusal."""

    n: int
    first_right: float  # share whose first quote satisfies the gold
    any_right: float  # share with some quote satisfying it
    refused: float  # share refused (wrongly, for in-domain questions)
    mean_first_quote: float  # characters
    verbatim: bool  # every quote is its passage's text at its offsets

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "first_right": round(self.first_right, 4),
            "any_right": round(self.any_right, 4),
            "refused": round(self.refused, 4),
            "mean_first_quote": round(self.mean_first_quote, 1),
            "verbatim": self.verbatim,
        }


def score_answers(questions: Sequence[Question], answers: Sequence[Answer]) -> AnswerReport:
    n = len(questions) or 1
    firsts = [a.citations[0].quote for a in answers if a.citations]
    pairs = list(zip(questions, answers, strict=True))
    return AnswerReport(
        len(questions),
        sum(bool(a.citations) and satisfies(a.citations[0].quote, q.gold) for q, a in pairs) / n,
        sum(any(satisfies(c.quote, q.gold) for c in a.citations) for q, a in pairs) / n,
        sum(not a.answered for a in answers) / n,
        sum(map(len, firsts)) / len(firsts) if firsts else 0.0,
        all(c.quote == c.passage.text[c.start : c.end] for a in answers for c in a.citations),
    )
