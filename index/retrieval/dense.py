"""Dense vector index (FAISS, exact inner product on normalised vectors = cosine)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


def write_dense(path: Path, vectors: np.ndarray, dim: int) -> None:
    index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, str(path))


class DenseIndex:
    def __init__(self, path: Path) -> None:
        self._index = faiss.read_index(str(path))

    @property
    def size(self) -> int:
        return self._index.ntotal

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the k nearest units; rows are -1 padded when fewer exist."""
        k = min(k, self.size)
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, rows = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        return rows[0], scores[0]
