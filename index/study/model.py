"""What study features hand around: excerpts of passages, a topic's digest, a study pack to export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ingest.model import Passage


@dataclass(frozen=True, slots=True)
class Excerpt:
    """One passage as study material, with the document it comes from (its citation is the passage's)."""

    passage: Passage
    document_title: str
    doc_type: str


@dataclass(frozen=True, slots=True)
class Context:
    """A passage with its neighbours in document order and the heading of its section."""

    excerpt: Excerpt
    before: tuple[Passage, ...]
    after: tuple[Passage, ...]
    section_heading: str  # "第四章 党的组织生活"; "" when the passage lies outside any section


@dataclass(frozen=True, slots=True)
class DigestGroup:
    """The passages of one document that treat a topic, in document order."""

    document_id: str
    document_title: str
    doc_type: str
    excerpts: tuple[Excerpt, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """专题摘编: the passages that treat a topic, grouped by document, most authoritative first."""

    topic: str
    groups: tuple[DigestGroup, ...]

    @property
    def excerpts(self) -> tuple[Excerpt, ...]:
        return tuple(e for g in self.groups for e in g.excerpts)


@dataclass(frozen=True, slots=True)
class StudyPack:
    """A study pack to print or share: excerpts in the order they are studied, each with its citation."""

    title: str
    made: date
    excerpts: tuple[Excerpt, ...]
