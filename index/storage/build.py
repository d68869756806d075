"""Build a complete index generation from documents: SQLite rows, lexical tokens, dense vectors, reprints."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.analysis.tokenize import lexicon_version, tokenize
from index.analysis.units import dense_units
from index.embedding.embed_cache import EmbeddingCache
from index.embedding.embedder import Embedder
from index.retrieval.dense import write_dense
from index.storage.generations import DB_FILE, DENSE_FILE, embedding_cache_path, new_generation, publish
from index.storage.reprints import Judged, find_reprints
from index.storage.store import StoredDocument, write_store
from index.storage.versions import superseded
from ingest.loader import check_document

log = logging.getLogger("djkb")


@dataclass(frozen=True, slots=True)
class Previous:
    """What the live generation computed that the next one need not compute again."""

    tokens: Mapping[str, str]  # passage text → its tokens joined by spaces, made with today's dictionary
    judged: Judged | None  # its reprint detection's inputs and verdicts


class IndexBuildError(Exception):
    """The new index could not be built; the previous one stays live. The message is for members."""


def build_generation(
    data_dir: Path,
    documents: Sequence[StoredDocument],
    embedder: Embedder,
    *,
    show_progress: bool = False,
    previous: Previous | None = None,
) -> Path:
    """Write a new generation holding exactly `documents` and make it live. Caller holds writer_lock.
    `previous` (what the live generation computed) spares the work on unchanged passages.

    Raises IndexBuildError, having removed what it wrote, when the documents do not make a
    valid index or anything fails on the way: nothing is published then.
    """
    problem = invalid(documents)
    if problem:
        raise IndexBuildError(f"索引校验未通过（{problem}），本次导入未生效，之前的索引仍在使用")
    generation = new_generation(data_dir)
    try:
        _write(generation, data_dir, documents, embedder, show_progress, previous or Previous({}, None))
    except Exception as exc:
        shutil.rmtree(generation, ignore_errors=True)
        log.exception("index build failed")
        raise IndexBuildError(
            f"建立索引失败（{type(exc).__name__}: {exc}），本次导入未生效，之前的索引仍在使用"
        ) from exc
    publish(data_dir, generation)
    return generation


def invalid(documents: Sequence[StoredDocument]) -> str:
    """What makes `documents` unfit for one index ("" when nothing): each document sound on its own
    (`check_document`), and every document and passage ID unique across the knowledge base."""
    doc_ids: set[str] = set()
    passage_ids: set[str] = set()
    for stored in documents:
        doc = stored.document
        try:
            check_document(doc)
        except ValueError as exc:
            return f"{exc}：{doc.source}"
        ids = {p.id for p in doc.passages}
        if doc.id in doc_ids or not ids.isdisjoint(passage_ids):
            return f"编号与其他文档重复：{doc.id}《{doc.title}》（{doc.source}）"
        doc_ids.add(doc.id)
        passage_ids |= ids
    return ""


def _write(
    generation: Path,
    data_dir: Path,
    documents: Sequence[StoredDocument],
    embedder: Embedder,
    show_progress: bool,
    previous: Previous,
) -> None:
    # The database first, the vectors last: in a process that has just started, the model is still
    # loading on its thread (Embedder.preload) while tokens, reprints and rows are made.
    tokens = {
        p.id: known[p.text] if p.text in (known := previous.tokens) else " ".join(tokenize(p.text))
        for stored in documents
        for p in stored.document.passages
    }
    old = superseded((s.document.id, s.lineage, s.document.meta, s.ingested_at) for s in documents)
    reprints = find_reprints([s.document for s in documents if s.document.id not in old], previous.judged)
    units = [pair for stored in documents for pair in dense_units(stored.document)]
    write_store(
        generation / DB_FILE,
        documents,
        tokens,
        [(u.passage_id, u.start, u.end) for u, _ in units],
        reprints,
        {
            "model_id": embedder.model_id,
            "lexicon": lexicon_version(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )
    cache = EmbeddingCache(embedding_cache_path(data_dir))
    try:
        vectors = cache.embed(
            embedder.model_id,
            [text for _, text in units],
            embedder.embed_passages,
            show_progress=show_progress,
        )
    finally:
        cache.close()
    if not units:  # an empty index: only here is the model loaded for its dimension alone
        vectors = np.zeros((0, embedder.dim), dtype=np.float32)
    write_dense(generation / DENSE_FILE, vectors, vectors.shape[1])
