"""What retrieval returns: hits and answers, built on ingest's passages."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Passage


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    document_title: str
    doc_type: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()  # [start, end) of matched terms within passage.text
