"""What retrieval returns: hits and answers, built on ingest's passages."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Passage


@dataclass(frozen=True, slots=True)
class Reference:
    """Another place that holds the same text as a hit (另见): a page that reprints a regulation's article."""

    passage_id: str
    document_id: str
    document_title: str
    citation: str


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    document_title: str
    doc_type: str
    score: float
    revision_year: int | None = None
    current: bool = True  # False for an older revision of a document that has a newer one
    highlights: tuple[tuple[int, int], ...] = ()  # [start, end) of matched terms within passage.text
    also: tuple[Reference, ...] = ()  # the same text in other documents, shown once as this hit
    published: str = ""  # ISO date a web page states it was published
    doc_number: str = ""  # a 公文's 发文字号
    issuer: str = ""
    written: str = ""  # a 公文's 成文日期, ISO


@dataclass(frozen=True, slots=True)
class Citation:
    """One verbatim quote of an answer: always passage.text[start:end]."""

    n: int  # the [n] marker in Answer.text, from 1
    passage: Passage
    document_title: str
    quote: str
    start: int  # offsets within passage.text
    end: int


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answered: bool  # False: the knowledge base holds no basis, text says so and citations is empty
    text: str  # the quotes in 「…」 with their [n] markers; nothing else
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]  # the passages retrieved, for reference (also when not answered)
