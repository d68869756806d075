"""Quiz items: a question, its answer, and the verbatim source that proves the answer."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("cloze", "choice", "judge")  # 填空, 单选, 判断
KIND_NAMES = {"cloze": "填空题", "choice": "单选题", "judge": "判断题"}


@dataclass(frozen=True, slots=True)
class QuizSource:
    """Where an item's answer stands: always quote == passage.text[start:end]."""

    passage_id: str
    document_title: str
    citation: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class QuizItem:
    id: str  # stable for the same item: kind and what it asks, hashed
    kind: str  # one of KINDS
    question: str
    answer: str | bool  # the blanked text (cloze), one of `options` (choice), true/false (judge)
    explanation: str  # quotes the source
    source: QuizSource
    options: tuple[str, ...] = ()  # four for a choice item, empty otherwise
