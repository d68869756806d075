"""专题摘编: the passages that treat a topic, gathered across documents, each text once.

Retrieval ranks what is near the topic; a digest keeps only passages that treat it: their own text
or the heading they stand under (a chapter 「发展党员」 covers its articles on 入党积极分子) holds
every key word of the topic. Reprints fold into the passage they reprint (search shows each text
once, from the most authoritative document). Groups follow authority: the Constitution and the
regulations, then plans, then saved pages; within a document, passages keep their order.
"""

from __future__ import annotations

from collections.abc import Collection

from index.retrieval.query import Query
from index.retrieval.search import Searcher
from index.study.context import excerpt
from index.study.model import Digest, DigestGroup

MAX_PASSAGES = 100
POOL = 3  # ranked candidates looked at per passage kept: the rest of the pool is what the filter drops


def treats(query: Query, text: str, heading: str) -> bool:
    """Whether a passage treats the topic: each key word of it in the passage or its heading."""
    words = [w.lower() for w in query.words] or [query.text.strip().lower()]
    text, heading = text.lower(), heading.lower()
    return all(w in text or w in heading for w in words)


def treating(
    live: Searcher,
    topic: str,
    limit: int,
    documents: Collection[str] | None = None,
    doc_types: Collection[str] | None = None,
) -> list[int]:
    """Rows of up to `limit` passages that treat `topic`, best first, each text once."""
    query = live.parse(topic)
    hits = live.search(query, top_k=POOL * limit, documents=documents, doc_types=doc_types)
    rows = []
    for hit in hits:
        row = live.row(hit.passage.id)
        if row is not None and treats(query, hit.passage.text, " ".join(hit.passage.heading_path)):
            rows.append(row)
    return rows[:limit]


def digest(
    live: Searcher,
    topic: str,
    *,
    documents: Collection[str] | None = None,
    doc_types: Collection[str] | None = None,
    max_passages: int = 20,
) -> Digest:
    kept = treating(live, topic, max_passages, documents, doc_types)
    rank = {row: i for i, row in enumerate(kept)}
    by_document: dict[str, list[int]] = {}
    for row in kept:
        by_document.setdefault(live.passages[row].document_id, []).append(row)
    order = sorted(by_document, key=lambda d: (live.authority[d], min(rank[r] for r in by_document[d])))
    return Digest(
        topic,
        tuple(
            DigestGroup(
                doc_id,
                live.titles[doc_id],
                live.doc_types[doc_id],
                tuple(excerpt(live, row) for row in sorted(by_document[doc_id])),
            )
            for doc_id in order
        ),
    )
