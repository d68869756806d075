"""Retrieval over one generation: lexical (BM25 on jieba tokens), dense (FAISS), hybrid, phrase."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import numpy as np

from index.bm25 import Bm25
from index.dense import DenseIndex
from index.embedder import Embedder
from index.enumerations import enumeration_match, enumerations, query_count
from index.fusion import fuse
from index.generations import DB_FILE, DENSE_FILE
from index.highlight import term_spans
from index.model import Hit, Reference
from index.phrase import phrase_spans
from index.store import Store, meta_from_json
from index.tokenize import key_terms, lexicon_version, query_terms, tokenize
from index.versions import superseded
from ingest.model import Passage

MODES = ("hybrid", "lexical", "dense", "phrase")
HEADING_WEIGHT = 0.5  # title and heading words count, but less than the passage's own words
DENSE_CANDIDATES = 400  # nearest sentence units looked at per query
REPRINT_SLACK = 3  # rank this many times top_k: reprints that fold into one hit leave room for others


class Searcher:
    """Everything needed to answer queries against one immutable generation, loaded in memory."""

    def __init__(self, generation: Path, embedder: Embedder) -> None:
        self.generation = generation
        self.store = Store(generation / DB_FILE)
        self.embedder = embedder
        self.passages: list[Passage] = self.store.passages()
        self._row = {p.id: i for i, p in enumerate(self.passages)}
        docs = self.store.document_rows()
        self.metas = {r["id"]: meta_from_json(r["meta"]) for r in docs}
        self.titles = {doc_id: meta.title for doc_id, meta in self.metas.items()}
        self.doc_types = {doc_id: meta.doc_type for doc_id, meta in self.metas.items()}
        self.superseded = superseded(
            (r["id"], r["lineage"], self.metas[r["id"]], r["ingested_at"]) for r in docs
        )
        if self.store.info("lexicon") == lexicon_version():
            tokens = dict(self.store.passage_tokens())
        else:  # built with another dictionary: tokenise afresh so queries and passages agree
            tokens = {p.id: tokenize(p.text) for p in self.passages}
        self.body = Bm25([tokens[p.id] for p in self.passages])
        self.heading = Bm25(
            [tokenize(" ".join((self.titles[p.document_id], *p.heading_path))) for p in self.passages]
        )
        self._current = np.array([p.document_id not in self.superseded for p in self.passages], dtype=bool)
        self.enumerations = [enumerations(p.text) for p in self.passages]
        self.dense = DenseIndex(generation / DENSE_FILE)
        self.unit_rows = np.array([self._row[pid] for pid in self.store.unit_passages()], dtype=np.int64)
        # Reprinted text: each reprint row → its canonical rows (best first), and back.
        self._canonical: dict[int, list[int]] = {}
        self._reprinted: dict[int, list[int]] = {}
        for pid, canonical in self.store.reprints():
            row, source = self._row[pid], self._row[canonical]
            self._canonical.setdefault(row, []).append(source)
            self._reprinted.setdefault(source, []).append(row)

    def close(self) -> None:
        self.store.close()

    # --- retrievers: each returns a score per passage row (higher is better, 0 = no match) ---

    def lexical_scores(self, query: str) -> np.ndarray:
        terms = query_terms(query)
        return self.body.scores(terms) + HEADING_WEIGHT * self.heading.scores(terms)

    def coverage(self, query: str) -> np.ndarray:
        """Share of the query's key words found in each passage: all of them together is strong evidence."""
        return self.body.coverage(key_terms(query))

    def enumeration_scores(self, query: str) -> np.ndarray:
        if query_count(query) is None:  # most queries name no count: skip the per-passage pass
            return np.zeros(len(self.passages), dtype=np.float32)
        return np.array([enumeration_match(query, found) for found in self.enumerations], dtype=np.float32)

    def dense_scores(self, query: str) -> np.ndarray:
        """Cosine of each passage's best unit; passages with no unit among the candidates get 0."""
        scores = np.zeros(len(self.passages), dtype=np.float32)
        vector = self.embedder.embed_queries([query])[0]
        rows, sims = self.dense.search(vector, DENSE_CANDIDATES)
        for row, sim in zip(rows, sims, strict=True):
            if row >= 0:
                p = self.unit_rows[row]
                scores[p] = max(scores[p], sim)
        return scores

    def phrase_scores(self, query: str) -> np.ndarray:
        return np.array(
            [1.0 if phrase_spans(p.text, query) else 0.0 for p in self.passages], dtype=np.float32
        )

    # --- public ---

    def search(
        self,
        query: str,
        top_k: int = 10,
        mode: str = "hybrid",
        documents: Collection[str] | None = None,
        doc_types: Collection[str] | None = None,
        include_superseded: bool = False,
    ) -> list[Hit]:
        """Ranked passages; older revisions of a document only with `include_superseded`
        (or when asked for by document ID)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if mode == "hybrid":
            scores = fuse(
                self.lexical_scores(query),
                self.dense_scores(query),
                self.coverage(query),
                self.enumeration_scores(query),
            )
        elif mode == "lexical":
            scores = self.lexical_scores(query)
        elif mode == "dense":
            scores = self.dense_scores(query)
        else:
            scores = self.phrase_scores(query)
        allowed = self._allowed(documents, doc_types, include_superseded)
        scores = np.where(allowed, scores, 0.0)
        best = np.argsort(-scores, kind="stable")[: REPRINT_SLACK * top_k]
        ranked = [int(i) for i in best if scores[i] > 0]
        shown = self._once(ranked, scores, allowed)[:top_k]
        if mode == "phrase":
            return [self._hit(i, score, phrase_spans(self.passages[i].text, query)) for i, score in shown]
        terms = [t for t in query_terms(query) if len(t) > 1]  # tokenised once, not once per hit
        return [self._hit(i, score, term_spans(self.passages[i].text, terms)) for i, score in shown]

    def _once(self, ranked: list[int], scores: np.ndarray, allowed: np.ndarray) -> list[tuple[int, float]]:
        """Each text once: a reprint gives way to the passage it reprints (from the more authoritative
        document) when that one may be shown, at the better of the two scores."""
        shown: dict[int, float] = {}
        for row in ranked:
            sources = [source for source in self._canonical.get(row, ()) if allowed[source]]
            target = max(sources, key=lambda source: scores[source]) if sources else row
            if target not in shown:
                shown[target] = float(max(scores[row], scores[target]))
        return sorted(shown.items(), key=lambda item: -item[1])

    def _allowed(
        self, documents: Collection[str] | None, doc_types: Collection[str] | None, include_superseded: bool
    ) -> np.ndarray:
        if not documents and not doc_types:  # the common case: no per-passage pass on every query
            return np.ones(len(self.passages), dtype=bool) if include_superseded else self._current
        return np.array(
            [
                (not documents or p.document_id in documents)
                and (not doc_types or self.doc_types[p.document_id] in doc_types)
                and (include_superseded or bool(documents) or p.document_id not in self.superseded)
                for p in self.passages
            ],
            dtype=bool,
        )

    def _hit(self, row: int, score: float, highlights: tuple[tuple[int, int], ...]) -> Hit:
        passage = self.passages[row]
        # 另见: the current documents that reprint this text, or for a reprint the text it reprints.
        others = self._canonical.get(row) or self._reprinted.get(row, ())
        return Hit(
            passage=passage,
            document_title=self.titles[passage.document_id],
            doc_type=self.doc_types[passage.document_id],
            revision_year=self.metas[passage.document_id].revision_year,
            current=passage.document_id not in self.superseded,
            score=score,
            highlights=highlights,
            also=tuple(self._reference(other) for other in others),
            published=self.metas[passage.document_id].published,
        )

    def _reference(self, row: int) -> Reference:
        passage = self.passages[row]
        return Reference(passage.id, passage.document_id, self.titles[passage.document_id], passage.citation)
