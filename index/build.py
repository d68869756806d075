"""Build a complete index generation from documents: SQLite rows, lexical tokens, dense vectors."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.dense import write_dense
from index.embed_cache import EmbeddingCache
from index.embedder import Embedder
from index.generations import DB_FILE, DENSE_FILE, embedding_cache_path, new_generation, publish
from index.store import write_store
from index.tokenize import lexicon_version, tokenize
from index.units import dense_units
from ingest.model import Document


def build_generation(
    data_dir: Path,
    documents: Sequence[tuple[Document, str]],
    embedder: Embedder,
    *,
    show_progress: bool = False,
) -> Path:
    """Write a new generation holding exactly `documents` and make it live. Caller holds writer_lock."""
    generation = new_generation(data_dir)
    units = [pair for doc, _ in documents for pair in dense_units(doc)]
    cache = EmbeddingCache(embedding_cache_path(data_dir))
    try:
        vectors = cache.embed(
            embedder.model_id,
            [text for _, text in units],
            lambda texts: embedder.embed_passages(texts, show_progress=show_progress),
        )
    finally:
        cache.close()
    write_dense(generation / DENSE_FILE, vectors if len(units) else np.zeros((0, embedder.dim)), embedder.dim)
    tokens = {p.id: tokenize(p.text) for doc, _ in documents for p in doc.passages}
    write_store(
        generation / DB_FILE,
        documents,
        tokens,
        [(u.passage_id, u.start, u.end) for u, _ in units],
        {
            "model_id": embedder.model_id,
            "lexicon": lexicon_version(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )
    publish(data_dir, generation)
    return generation
