"""Dense vector index (FAISS, inner product on normalised vectors = cosine).

Exact float32 search up to COMPRESS_ABOVE sentence units; beyond, the vectors are kept as 16-bit
floats (a scalar-quantised index): a query scans every vector and the scan is bound by memory, so
half the bytes is half the time (31 → 17 ms per query at 136k units) and half the memory, while the
nearest 400 found are those of the exact index (0.999 of them; bench/dense.py, bench/RESULTS.md).
The graph (HNSW) and inverted-file indexes are faster still but lose 1–13 % of the nearest 400,
and neither can be extended by a document without being rebuilt. Below the threshold exact search
costs a few milliseconds and its cosines are the ones the ranker and abstention were fitted on.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

COMPRESS_ABOVE = 50_000  # units: about 11 ms of exact search a query at the 0.23 µs a unit measured at 136k


def write_dense(path: Path, vectors: np.ndarray, dim: int) -> None:
    if len(vectors) > COMPRESS_ABOVE:
        index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, str(path))


def extend_dense(previous: Path, path: Path, keep: np.ndarray, vectors: np.ndarray) -> None:
    """Write at `path` the `previous` index's vectors where `keep` holds, then `vectors`: the rows of
    the next generation, without embedding again what it holds already."""
    index = faiss.read_index(str(previous))
    kept = index.reconstruct_n(0, index.ntotal)[keep] if index.ntotal else np.zeros((0, index.d), np.float32)
    write_dense(path, np.concatenate([kept, vectors.reshape(-1, index.d)]), index.d)


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
        # One thread per query: a request's scan split over OpenMP threads fights the model's own
        # thread pool and the other requests' threads for two cores (library /search p50 38 → 22 ms,
        # 100×: 49 → 39 ms, one process, the dev questions). Set on every call: OpenMP keeps the
        # setting per thread, and the server searches on its worker threads, not the loading one.
        faiss.omp_set_num_threads(1)
        scores, rows = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        return rows[0], scores[0]
