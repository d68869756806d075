"""Versions of one document: the same title with different revisions are all kept; the newest is current."""

from __future__ import annotations

from collections.abc import Iterable

from ingest.model import DocumentMeta


def superseded(documents: Iterable[tuple[str, DocumentMeta, str]]) -> set[str]:
    """IDs of documents replaced by a newer revision of the same title.

    `documents` yields (id, meta, ingested_at). Newer means a later revision year; a document
    with no stated year counts as older than any dated one, and ties go to the later ingest.
    """
    newest: dict[str, tuple[int, str, str]] = {}
    ids_by_title: dict[str, list[str]] = {}
    for doc_id, meta, ingested_at in documents:
        key = (meta.revision_year or 0, ingested_at, doc_id)
        ids_by_title.setdefault(meta.title, []).append(doc_id)
        if meta.title not in newest or key > newest[meta.title]:
            newest[meta.title] = key
    return {doc_id for title, ids in ids_by_title.items() for doc_id in ids if doc_id != newest[title][2]}
