"""Okapi BM25 over pre-tokenised texts, as one sparse term-weight matrix.

Scoring a query is then a sparse lookup of its terms' columns, which stays fast for
tens of thousands of passages.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np
from scipy import sparse


class Bm25:
    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        # Every token numbered in C (map over dict.setdefault: its first appearance's position), the
        # numbers made columns by numpy: no Python loop per token or per passage.
        first: dict[str, int] = {}
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        seen = np.fromiter(
            map(first.setdefault, itertools.chain.from_iterable(docs), itertools.count()),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        # Sorted first appearances are the terms in the order `first` holds them: column i is its i-th key.
        flat = np.unique(seen, return_inverse=True)[1].ravel()
        self.vocab = {term: column for column, term in enumerate(first)}
        n_docs, n_terms = len(docs), len(self.vocab)
        # (passage, term) pairs, counted: each distinct pair once, with its frequency in the passage.
        pairs, tf = np.unique(
            np.repeat(np.arange(n_docs, dtype=np.int64), lengths) * n_terms + flat, return_counts=True
        )
        rows, cols = pairs // max(n_terms, 1), pairs % max(n_terms, 1)
        tf = tf.astype(np.float32)
        df = np.bincount(cols, minlength=n_terms).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        lengths = lengths.astype(np.float32)
        avg = float(lengths.mean()) if n_docs and lengths.sum() else 1.0
        norm = k1 * (1 - b + b * lengths[rows] / avg)
        weights = idf[cols] * tf * (k1 + 1) / (tf + norm)
        self.matrix = sparse.csc_matrix((weights, (rows, cols)), shape=(n_docs, n_terms), dtype=np.float32)
        self.n_docs = n_docs
        self.df = df.astype(np.int64)  # passages holding each term

    @cached_property
    def rows(self) -> sparse.csr_matrix:
        """Each passage's term weights by row (for feedback terms), built on first use."""
        return self.matrix.tocsr()

    @cached_property
    def terms(self) -> list[str]:
        """Column -> term."""
        return list(self.vocab)

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
