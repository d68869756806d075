"""Study packs: the passages a leader picked, in the order picked, or a topic's digest, with a title."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from index.retrieval.search import Searcher
from index.study.context import excerpt
from index.study.model import Digest, StudyPack


class UnknownPassages(LookupError):
    def __init__(self, ids: Sequence[str]) -> None:
        super().__init__(", ".join(ids))
        self.ids = tuple(ids)


def pack_of_passages(live: Searcher, passage_ids: Sequence[str], title: str, made: date) -> StudyPack:
    """The passages in the given order, each once (titled 学习材料 unless `title` says otherwise);
    UnknownPassages names the IDs not stored."""
    ids = list(dict.fromkeys(passage_ids))
    rows = {pid: live.row(pid) for pid in ids}
    unknown = [pid for pid, row in rows.items() if row is None]
    if unknown:
        raise UnknownPassages(unknown)
    return StudyPack(
        title or "学习材料", made, tuple(excerpt(live, row) for row in rows.values() if row is not None)
    )


def pack_of_digest(found: Digest, title: str, made: date) -> StudyPack:
    return StudyPack(title or f"{found.topic}专题学习材料", made, found.excerpts)
