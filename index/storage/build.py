"""Build an index generation from documents: SQLite rows, lexical term counts, dense vectors, reprints.

A generation is built in full when there is none yet, or when its predecessor's tokens or vectors were
made with another dictionary or model, or documents changed in its midst (re-segmented). Otherwise,
the common case of documents added and removed, it is the previous generation changed: its database
copied with the removed documents' rows deleted and the new ones appended, its term counts and
vectors kept row for row. Only the new documents are tokenised and embedded, and nothing is rewritten
row by row but the dense units' numbering, so adding one document costs about the same at any size.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.analysis.tokenize import lexicon_version, tokenize
from index.analysis.units import dense_units
from index.embedding.embed_cache import EmbeddingCache
from index.embedding.embedder import Embedder
from index.retrieval.dense import extend_dense, write_dense
from index.storage import term_counts
from index.storage.generations import (
    DB_FILE,
    DENSE_FILE,
    LEXICAL_FILE,
    current_generation,
    embedding_cache_path,
    new_generation,
    publish,
)
from index.storage.reprints import PassageText, authority, find_reprints, passage_texts
from index.storage.store import LAYOUT, Store, StoredDocument, extend_store, write_store
from index.storage.versions import superseded
from ingest.loader import check_document

log = logging.getLogger("djkb")

Publish = Callable[[Path, Path], None]  # (data folder, built generation): make it live


@dataclass(frozen=True, slots=True)
class Previous:
    """The live generation, which the next one is built on."""

    generation: Path
    documents: list[StoredDocument]  # as it holds them, without their passages (Store.stored_documents)
    lexicon: str | None  # the dictionary its tokens were made with
    model_id: str | None  # the embedding model (and runtime variant) its vectors were made with
    layout: str | None  # what it stores beside its rows (index.storage.store.LAYOUT)


@dataclass(frozen=True, slots=True)
class _Change:
    """The next generation as the previous one with documents removed and others appended."""

    removed: set[str]
    added: list[StoredDocument]


class IndexBuildError(Exception):
    """The new index could not be built; the previous one stays live. The message is for members."""


def build_generation(
    data_dir: Path,
    documents: Sequence[StoredDocument],
    embedder: Embedder,
    *,
    show_progress: bool = False,
    previous: Previous | None = None,
    publish: Publish = publish,
) -> Path:
    """Write a new generation holding exactly `documents` and make it live by `publish` (the data
    folder's CURRENT, or a shared engine's) within the backend's `writing`. Documents of `previous` are
    passed as it holds them (without passages); what it computed spares the work on them.

    Raises IndexBuildError, having removed what it wrote, when the documents do not make a
    valid index or anything fails on the way: nothing is published then.
    """
    change = _change(previous, documents, embedder) if previous is not None else None
    if change is None:
        documents = _with_passages(documents, previous)
    problem = invalid(documents)
    if problem:
        raise IndexBuildError(f"索引校验未通过（{problem}），本次导入未生效，之前的索引仍在使用")
    generation = new_generation(data_dir)
    try:
        if change is not None and previous is not None:
            log.info(
                "extending %s: %d added, %d removed",
                previous.generation.name,
                len(change.added),
                len(change.removed),
            )
            _extend(generation, data_dir, previous, documents, change, embedder, show_progress)
        else:
            _write(generation, data_dir, documents, embedder, show_progress, previous)
        publish(data_dir, generation)
    except Exception as exc:
        if current_generation(data_dir) != generation:  # not live: nothing refers to it
            shutil.rmtree(generation, ignore_errors=True)
        log.exception("index build failed")
        raise IndexBuildError(
            f"建立索引失败（{type(exc).__name__}: {exc}），本次导入未生效，之前的索引仍在使用"
        ) from exc
    return generation


def _change(previous: Previous, documents: Sequence[StoredDocument], embedder: Embedder) -> _Change | None:
    """How `documents` follow from `previous`'s, when only by documents removed and others appended
    (and its tokens and vectors are today's); None when the next generation must be built in full."""
    today = (lexicon_version(), embedder.model_id, LAYOUT)
    if (previous.lexicon, previous.model_id, previous.layout) != today:
        return None
    position = {id(stored): i for i, stored in enumerate(previous.documents)}
    held = [position.get(id(stored)) for stored in documents]
    kept = next((i for i, at in enumerate(held) if at is None), len(held))
    if any(at is not None for at in held[kept:]) or held[:kept] != sorted(held[:kept]):
        return None  # a document changed in the midst (re-segmented), or the order did
    still = {id(stored) for stored in documents[:kept]}
    return _Change({s.document.id for s in previous.documents if id(s) not in still}, list(documents[kept:]))


def _with_passages(documents: Sequence[StoredDocument], previous: Previous | None) -> list[StoredDocument]:
    """`documents` with the passages of those the previous generation holds, read from it."""
    if previous is None:
        return list(documents)
    light = {id(stored) for stored in previous.documents}
    if not any(id(stored) in light for stored in documents):
        return list(documents)
    store = Store(previous.generation / DB_FILE)
    try:
        full = {stored.document.id: stored for stored in store.stored_documents()}
    finally:
        store.close()
    return [full[s.document.id] if id(s) in light else s for s in documents]


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
    previous: Previous | None,
) -> None:
    # The database first, the vectors last: in a process that has just started, the model is still
    # loading on its thread (Embedder.preload) while tokens, reprints and rows are made.
    known, judged = {}, None
    if previous is not None:
        store = Store(previous.generation / DB_FILE)
        try:
            known = store.tokens_by_text() if previous.lexicon == lexicon_version() else {}
            judged = store.judged()
        finally:
            store.close()
    tokens = {
        p.id: known[p.text] if p.text in known else " ".join(tokenize(p.text))
        for stored in documents
        for p in stored.document.passages
    }
    old = superseded((s.document.id, s.lineage, s.document.meta, s.ingested_at) for s in documents)
    reprints = find_reprints(
        passage_texts([s.document for s in documents if s.document.id not in old]), judged
    )
    units = [pair for stored in documents for pair in dense_units(stored.document)]
    write_store(
        generation / DB_FILE,
        documents,
        tokens,
        [(u.passage_id, u.start, u.end) for u, _ in units],
        reprints,
        _info(embedder),
    )
    write_term_counts(generation / LEXICAL_FILE, documents, tokens)
    vectors = _embed(data_dir, embedder, [text for _, text in units], show_progress)
    # Only for an empty index is the model loaded for its dimension alone.
    write_dense(generation / DENSE_FILE, vectors, vectors.shape[1] if len(vectors) else embedder.dim)


def _extend(
    generation: Path,
    data_dir: Path,
    previous: Previous,
    documents: Sequence[StoredDocument],
    change: _Change,
    embedder: Embedder,
    show_progress: bool,
) -> None:
    """The previous generation with `change` applied (see the module's account)."""
    shutil.copyfile(previous.generation / DB_FILE, generation / DB_FILE)
    store = Store(previous.generation / DB_FILE)
    try:
        stored_texts, unit_documents, judged = store.texts(), store.unit_documents(), store.judged()
    finally:
        store.close()
    added = [s.document for s in change.added]
    tokens = {p.id: " ".join(tokenize(p.text)) for doc in added for p in doc.passages}
    old = superseded((s.document.id, s.lineage, s.document.meta, s.ingested_at) for s in documents)
    ranks = {s.document.id: authority(s.document) for s in documents if s.document.id not in old}
    texts = [
        PassageText(pid, doc_id, text, ranks[doc_id]) for pid, doc_id, text in stored_texts if doc_id in ranks
    ]
    reprints = find_reprints(texts + passage_texts([d for d in added if d.id in ranks]), judged)
    units = [pair for doc in added for pair in dense_units(doc)]
    extend_store(
        generation / DB_FILE,
        change.removed,
        change.added,
        tokens,
        [(u.passage_id, u.start, u.end) for u, _ in units],
        reprints,
        _info(embedder),
    )
    keep = np.array([doc_id not in change.removed for _, doc_id, _ in stored_texts], dtype=bool)
    write_term_counts(
        generation / LEXICAL_FILE,
        change.added,
        tokens,
        (term_counts.load(previous.generation / LEXICAL_FILE), keep),
    )
    vectors = _embed(data_dir, embedder, [text for _, text in units], show_progress)
    extend_dense(
        previous.generation / DENSE_FILE,
        generation / DENSE_FILE,
        np.array([doc_id not in change.removed for doc_id in unit_documents], dtype=bool),
        vectors,
    )


def write_term_counts(
    path: Path,
    documents: Sequence[StoredDocument],
    tokens: Mapping[str, str],
    previous: tuple[dict[str, term_counts.TermCounts], np.ndarray] | None = None,
) -> None:
    """The term counts of `documents`' passages, after `previous`'s kept rows (term_counts.counted)."""
    passages = [p for stored in documents for p in stored.document.passages]
    titles = {s.document.id: s.document.title for s in documents}
    body = {pid: joined.split(" ") if joined else [] for pid, joined in tokens.items()}
    term_counts.save(path, term_counts.counted(passages, titles, body, previous))


def _embed(data_dir: Path, embedder: Embedder, texts: list[str], show_progress: bool) -> np.ndarray:
    """The vectors of `texts`, from the cache where it has them (an empty array for no texts)."""
    cache = EmbeddingCache(embedding_cache_path(data_dir))
    try:
        return cache.embed(embedder.model_id, texts, embedder.embed_passages, show_progress=show_progress)
    finally:
        cache.close()


def _info(embedder: Embedder) -> dict[str, str]:
    return {
        "model_id": embedder.model_id,
        "lexicon": lexicon_version(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
