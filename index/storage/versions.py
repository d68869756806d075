"""Versions of one document: all are kept, the newest is current.

Documents are versions of one another when they share a lineage, which ingest decides
(`index.storage.identity`): a revision the document states, or the same file read again with
new content. Newer means a later revision year; a version with no stated year counts as
older than any dated one, and ties go to the later ingest.
"""

from __future__ import annotations

from collections.abc import Iterable

from ingest.model import DocumentMeta


def superseded(documents: Iterable[tuple[str, str, DocumentMeta, str]]) -> set[str]:
    """IDs of the documents a newer version of the same lineage replaces.

    `documents` yields (id, lineage, meta, ingested_at).
    """
    newest: dict[str, tuple[int, str, str]] = {}
    members: dict[str, list[str]] = {}
    for doc_id, lineage, meta, ingested_at in documents:
        key = (meta.revision_year or 0, ingested_at, doc_id)
        members.setdefault(lineage, []).append(doc_id)
        if lineage not in newest or key > newest[lineage]:
            newest[lineage] = key
    return {doc_id for lineage, ids in members.items() for doc_id in ids if doc_id != newest[lineage][2]}
