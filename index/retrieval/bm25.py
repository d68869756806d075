"""Okapi BM25 over one field's term counts, as one sparse term-weight matrix.

Scoring a query is then a sparse lookup of its terms' columns, which stays fast for
tens of thousands of passages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    def rows(self) -> sparse.csr_matrix:
        """Each passage's term weights by row (for feedback terms), built on first use."""
        return self.matrix.tocsr()

    def scores(self, terms: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for weighted query terms."""
        known = {t: w for t, w in terms.items() if t in self.vocab}
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        cols = [self.vocab[t] for t in known]
        return np.asarray(self.matrix[:, cols] @ np.array(list(known.values()), dtype=np.float32)).ravel()

    def coverage(self, terms: Sequence[str]) -> np.ndarray:
        """Share of `terms` that occur in each document."""
        cols = [self.vocab[t] for t in terms if t in self.vocab]
        if not terms or not cols:
            return np.zeros(self.n_docs, dtype=np.float32)
        present = (self.matrix[:, cols] > 0).astype(np.float32)
        return np.asarray(present.sum(axis=1)).ravel() / len(terms)
