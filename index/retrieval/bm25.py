"""Okapi BM25 over pre-tokenised texts, as one sparse term-weight matrix.

Scoring a query is then a sparse lookup of its terms' columns, which stays fast for
tens of thousands of passages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np
from scipy import sparse


class Bm25:
    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        for row, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                rows.append(row)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
                tfs.append(tf)
        n_docs = len(docs)
        tf = np.array(tfs, dtype=np.float32)
        df = np.bincount(np.array(cols, dtype=np.int64), minlength=len(self.vocab)).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        avg = float(lengths.mean()) if n_docs and lengths.sum() else 1.0
        norm = k1 * (1 - b + b * lengths[np.array(rows, dtype=np.int64)] / avg) if rows else tf
        weights = idf[np.array(cols, dtype=np.int64)] * tf * (k1 + 1) / (tf + norm)
        self.matrix = sparse.csc_matrix(
            (weights, (rows, cols)), shape=(n_docs, len(self.vocab)), dtype=np.float32
        )
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
