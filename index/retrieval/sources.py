"""Where a searcher's lexical and dense candidates come from: what retrieval asks of the storage engine.

The ranking features, fusion, coverage, enumerations and answers are djkb's own and read the
generation's rows; only the two first-stage retrievers are the engine's. The files beside the
process (BM25 over the stored term counts, a FAISS index) are one engine (`LocalSource`, the
default); a shared one serves the same two calls (index.backends.milvus).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from index.retrieval.bm25 import Bm25
from index.retrieval.dense import DenseIndex


@dataclass(frozen=True, slots=True)
class Rows:
    """How a searcher numbers what it loaded, for an engine to report its candidates by row."""

    generation: Path
    passage_ids: list[str]  # passage rows, in document order
    document_ids: list[str]  # each passage row's document
    units: list[tuple[str, int, int]]  # dense unit rows: (passage ID, start, end)
    body: Bm25  # the body field's BM25, over the generation's stored term counts


class CandidateSource(Protocol):
    def lexical(self, terms: Mapping[str, float], allowed: np.ndarray, k: int) -> np.ndarray:
        """BM25 score of each passage row for the weighted terms (0: no match), at least for the k best
        of the rows `allowed` (a mask over passage rows); rows not allowed may score anything."""
        ...

    def nearest(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(unit rows, cosines) of the k units nearest `vector`, best first; rows -1 when fewer exist."""
        ...

    def close(self) -> None: ...


class LocalSource:
    """The generation's own files: BM25 over its term counts, its FAISS index."""

    def __init__(self, rows: Rows, dense_file: Path) -> None:
        self._body = rows.body
        self._dense = DenseIndex(dense_file)

    def lexical(self, terms: Mapping[str, float], allowed: np.ndarray, k: int) -> np.ndarray:
        return self._body.scores(terms)  # every row: a sparse lookup, cheaper than narrowing first

    def nearest(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self._dense.search(vector, k)

    def close(self) -> None:
        pass
