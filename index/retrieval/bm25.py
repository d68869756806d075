"""Okapi BM25 over one field's term counts, as one sparse term-weight matrix.

Scoring a query is then a sparse lookup of its terms' columns, which stays fast for
tens of thousands of passages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property

import numpy as np
from scipy import sparse

from index.storage.term_counts import TermCounts


class Bm25:
    def __init__(self, field: TermCounts, k1: float = 1.2, b: float = 0.75) -> None:
        counts = field.counts
        n_docs, n_terms = counts.shape
        tf = counts.data.astype(np.float32)
        lengths = np.asarray(counts.sum(axis=1), dtype=np.float32).ravel()
        df = np.bincount(counts.indices, minlength=n_terms).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        avg = float(lengths.mean()) if n_docs and lengths.sum() else 1.0
        rows = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
        norm = k1 * (1 - b + b * lengths[rows] / avg)
        weights = idf[counts.indices] * tf * (k1 + 1) / (tf + norm)
        self.matrix = sparse.csr_matrix((weights, counts.indices, counts.indptr), shape=counts.shape).tocsc()
        self.terms = field.terms  # column -> term
        self.vocab = {term: column for column, term in enumerate(field.terms)}
        self.n_docs = n_docs
        self.df = df.astype(np.int64)  # passages holding each term

    @cached_property
    def _rows(self) -> sparse.csr_matrix:
        """Each passage's term weights by row, built on first use."""
        return self.matrix.tocsr()

    def summed(self, rows: np.ndarray) -> np.ndarray:
        """The term weights of passages `rows` added up, one value per term (for feedback terms)."""
        return _added(self._rows, rows, np.ones(len(rows), dtype=np.float32), len(self.terms))

    def scores(self, terms: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for weighted query terms."""
        known = [(self.vocab[t], w) for t, w in terms.items() if t in self.vocab]
        cols, weights = [c for c, _ in known], np.array([w for _, w in known], dtype=np.float32)
        return _added(self.matrix, cols, weights, self.n_docs)


def _added(
    matrix: sparse.csr_matrix | sparse.csc_matrix, majors: Iterable[int], weights: np.ndarray, size: int
) -> np.ndarray:
    """The weighted sum of `matrix`'s rows (CSR) or columns (CSC) `majors`, added one after another in
    float32 as the sparse product adds them (the same floats), without building the sub-matrix: half
    the time of scipy's fancy indexing."""
    out = np.zeros(size, dtype=np.float32)
    for major, weight in zip(majors, weights, strict=True):
        start, end = matrix.indptr[major], matrix.indptr[major + 1]
        out[matrix.indices[start:end]] += matrix.data[start:end] * weight
    return out
