"""Okapi BM25 over one field's term counts, as one sparse term-weight matrix.

Scoring a query is then a sparse lookup of its terms' columns, which stays fast for
tens of thousands of passages.
"""

from __future__ import annotations

from collections.abc import Mapping
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
        out = np.zeros(len(self.terms), dtype=np.float32)
        by_row = self._rows
        for row in rows:
            start, end = by_row.indptr[row], by_row.indptr[row + 1]
            out[by_row.indices[start:end]] += by_row.data[start:end]
        return out

    def scores(self, terms: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for weighted query terms: each term's column added in turn, in
        float32 (as the sparse product adds them, without building the sub-matrix: half the time)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        matrix = self.matrix
        for term, weight in terms.items():
            if (col := self.vocab.get(term)) is not None:
                start, end = matrix.indptr[col], matrix.indptr[col + 1]
                out[matrix.indices[start:end]] += matrix.data[start:end] * np.float32(weight)
        return out
