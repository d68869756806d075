"""Retrieval over one generation: lexical (BM25 on jieba tokens), dense (FAISS), hybrid, phrase.

Hybrid search gathers candidates from both retrievers and orders them by a linear model over their
signals (index.retrieval.features), fitted on the dev questions by bench/fit.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.analysis.phrase import folded, phrase_spans
from index.analysis.tokenize import lexicon_version, tokenize
from index.analysis.units import sentence_units
from index.embedding.embedder import Embedder
from index.fitted.linear import LinearModel, shipped
from index.model import Hit, Reference
from index.retrieval.bm25 import Bm25
from index.retrieval.features import CANDIDATES, Candidates, Corpus, best_first, candidates
from index.retrieval.highlight import term_spans
from index.retrieval.modes import MODES
from index.retrieval.query import Query, parse
from index.retrieval.sources import CandidateSource, LocalSource, Rows
from index.storage import term_counts
from index.storage.generations import DB_FILE, DENSE_FILE, LEXICAL_FILE
from index.storage.reprints import authority_of
from index.storage.store import Store, meta_from_json
from index.storage.term_counts import FIELDS, TermCounts
from index.storage.versions import superseded
from ingest.model import DocumentMeta, Passage

DENSE_CANDIDATES = 400  # nearest units looked at per query (600, with articles' windows among them: the same)
REPRINT_SLACK = 3  # rank this many times top_k: reprints that fold into one hit leave room for others


@dataclass(frozen=True, slots=True)
class Issued:
    """Which documents a search is about by who issued them and when: the issuer's name contains
    `issuer`, and the document's date (a 公文's 成文日期, a page's publication date) lies within the ISO
    dates given; an empty field does not narrow."""

    issuer: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def of(cls, issuer: str = "", date_from: str = "", date_to: str = "") -> Issued | None:
        """The filter, None when it would narrow nothing."""
        return cls(issuer, date_from, date_to) if issuer or date_from or date_to else None

    def admits(self, meta: DocumentMeta) -> bool:
        return (
            self.issuer in meta.issuer
            and (not self.date_from or meta.date >= self.date_from)
            and (not self.date_to or "" < meta.date <= self.date_to)  # undated documents are out of range
        )


class Searcher:
    """Everything needed to answer queries against one immutable generation, loaded in memory; the
    first-stage candidates from `source` (default: the generation's own BM25 and FAISS files)."""

    def __init__(
        self,
        generation: Path,
        embedder: Embedder,
        source: Callable[[Rows], CandidateSource] | None = None,
    ) -> None:
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
        fields = self._term_counts()
        self.body, self.heading, self.chars = (Bm25(fields[name]) for name in FIELDS)
        headings = [" ".join((self.titles[p.document_id], *p.heading_path)) for p in self.passages]
        # Lower is more authoritative: the Constitution, regulations, plans, saved pages (reprints, digests).
        self.authority = {r["id"]: authority_of(self.metas[r["id"]].doc_type, r["format"]) for r in docs}
        units = self.store.units()
        self.unit_rows = np.array([self._row[pid] for pid, _, _ in units], dtype=np.int64)
        located = [
            (row, start, end) for row, (_, start, end) in zip(self.unit_rows.tolist(), units, strict=True)
        ]
        self.unit_is_sentence = np.array(sentence_units(located), dtype=bool)  # not a window of two
        sentences: list[list[tuple[int, int]]] = [[] for _ in self.passages]
        for (row, start, end), sentence in zip(located, self.unit_is_sentence, strict=True):
            if sentence:
                sentences[row].append((start, end))
        found: dict[int, set[tuple[int, str]]] | None = None
        if (stored := self.store.enumerations()) is not None:
            found = {}
            for pid, size, shared in stored:
                found.setdefault(self._row[pid], set()).add((size, shared))
        self.corpus = Corpus.of(
            [p.text for p in self.passages],
            headings,
            np.array([self.authority[p.document_id] for p in self.passages], dtype=np.float32),
            sentences,
            found,
        )
        # Each passage's document as its position in `titles`: filters test documents, not passages.
        position = {doc_id: i for i, doc_id in enumerate(self.titles)}
        self._document_rows = np.array([position[p.document_id] for p in self.passages], dtype=np.int64)
        self._current = np.array([p.document_id not in self.superseded for p in self.passages], dtype=bool)
        rows = Rows(
            generation,
            list(self._row),
            [p.document_id for p in self.passages],
            [tuple(u) for u in units],
            self.body,
        )
        self.source = source(rows) if source is not None else LocalSource(rows, generation / DENSE_FILE)
        # Reprinted text: each reprint row → its canonical rows (best first), and back.
        self._canonical: dict[int, list[int]] = {}
        self._reprinted: dict[int, list[int]] = {}
        for pid, canonical in self.store.reprints():
            row, origin = self._row[pid], self._row[canonical]
            self._canonical.setdefault(row, []).append(origin)
            self._reprinted.setdefault(origin, []).append(row)

    def close(self) -> None:
        self.store.close()
        self.source.close()

    def _term_counts(self) -> dict[str, TermCounts]:
        """The lexical fields' term counts as the build stored them; counted afresh for a generation
        written by an earlier djkb or with another dictionary, so queries and passages agree."""
        path = self.generation / LEXICAL_FILE
        same = self.store.info("lexicon") == lexicon_version()
        if same and path.exists():
            return term_counts.load(path)
        if same:
            tokens = dict(self.store.passage_tokens())
        else:
            tokens = {p.id: tokenize(p.text) for p in self.passages}
        return term_counts.counted(self.passages, self.titles, tokens)

    def row(self, passage_id: str) -> int | None:
        """The passage's position in `passages` (document order), None when it is not in this generation."""
        return self._row.get(passage_id)

    def parse(self, text: str, *, dense: bool = True) -> Query:
        """The query every retriever, the highlighter and the answerer read; embedded when `dense`."""
        if not dense:
            return parse(text, self.body, self.chars)
        return parse(
            text,
            self.body,
            self.chars,
            self.embedder.embed_query,
            lambda v: self.source.nearest(v, DENSE_CANDIDATES),
        )

    # --- retrievers: each returns a score per passage row (higher is better, 0 = no match) ---

    def lexical_scores(
        self, query: Query, allowed: np.ndarray | None = None, k: int = CANDIDATES
    ) -> np.ndarray:
        """BM25 over the passages' words, right at least for the k best `allowed` rows (default: current)."""
        return self.source.lexical(query.terms, self._current if allowed is None else allowed, k)

    def dense_scores(self, query: Query) -> np.ndarray:
        """Cosine of each passage's best unit (with the question's colloquial words bridged, where it has
        any); passages with no unit among the candidates get 0."""
        assert query.nearest is not None, "parse the query with dense=True"
        return self._best_units(*(query.bridged if query.bridged is not None else query.nearest))

    def _best_units(self, rows: np.ndarray, sims: np.ndarray) -> np.ndarray:
        """The cosine of each passage's best unit among the `rows` found; 0 for the others."""
        scores = np.zeros(len(self.passages), dtype=np.float32)
        found = rows >= 0
        np.maximum.at(scores, self.unit_rows[rows[found]], sims[found])
        return scores

    def part_scores(self, query: Query) -> np.ndarray:
        """For a question asked in several parts, how near each passage comes to all of them: the mean
        over the parts of its best unit's cosine below the best passage's (the farthest unit found where
        none of its units is); 0 for every passage of a question asked in one."""
        total = np.zeros(len(self.passages), dtype=np.float64)
        for rows, sims in query.parts:
            best = self._best_units(rows, sims)
            found = sims[rows >= 0]
            floor = float(found.min()) if len(found) else 0.0
            total += np.where(best > 0, best, floor) - float(best.max())
        return total / len(query.parts) if query.parts else total

    def unit_cosines(self, query: Query, k: int) -> np.ndarray:
        """The cosines of the k sentence units nearest the question (among the DENSE_CANDIDATES nearest
        units), best first; windows left out, as a question's peak is measured against sentences."""
        assert query.nearest is not None, "parse the query with dense=True"
        rows, sims = query.nearest
        found = rows >= 0
        return sims[found][self.unit_is_sentence[rows[found]]][:k]

    def phrase_scores(self, query: Query) -> np.ndarray:
        """1 for passages holding the query as typed (whitespace and width aside): one scan of all the
        folded texts joined, not a pass per passage."""
        scores = np.zeros(len(self.passages), dtype=np.float32)
        needle = folded(query.text)
        if not needle:
            return scores
        hay, starts = self._folded
        at = hay.find(needle)
        while at != -1:
            row = int(np.searchsorted(starts, at, side="right")) - 1
            scores[row] = 1.0
            at = hay.find(needle, starts[row + 1] if row + 1 < len(starts) else len(hay))
        return scores

    @functools.cached_property
    def _folded(self) -> tuple[str, np.ndarray]:
        """Every passage's folded text joined by a separator no phrase holds, and where each starts;
        made on the first phrase search (a second or so for a library), not at start-up."""
        texts = [folded(p.text) for p in self.passages]
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]) if texts else np.zeros(0, dtype=np.int64)
        return "\0".join(texts), starts

    def candidates(self, query: Query, allowed: np.ndarray | None = None) -> Candidates:
        """The hybrid candidates with their ranking features (for search, and for fitting the ranker)."""
        if allowed is None:
            allowed = self._current
        return candidates(
            query,
            self.corpus,
            self.body,
            lexical=self.lexical_scores(query, allowed),
            heading=self.heading.scores(query.terms),
            chars=self.chars.scores(query.bigrams),
            dense=self.dense_scores(query),
            parts=self.part_scores(query),
            allowed=allowed,
        )

    # --- public ---

    def search(
        self,
        query: Query | str,
        top_k: int = 10,
        mode: str = "hybrid",
        documents: Collection[str] | None = None,
        doc_types: Collection[str] | None = None,
        include_superseded: bool = False,
        ranker: LinearModel | None = None,
        issued: Issued | None = None,
    ) -> list[Hit]:
        """Ranked passages; older revisions of a document only with `include_superseded`
        (or when asked for by document ID). `ranker` replaces the shipped model (cross-validation)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if isinstance(query, str):
            query = self.parse(query, dense=mode in ("hybrid", "dense"))
        allowed = self._allowed(documents, doc_types, include_superseded, issued)
        if mode == "hybrid":
            found = self.candidates(query, allowed)
            rows, scored = found.rows, (ranker or shipped("ranker")).score(found.features)
        else:
            if mode == "lexical":
                raw = self.lexical_scores(query, allowed, REPRINT_SLACK * top_k)
            else:
                raw = (self.dense_scores if mode == "dense" else self.phrase_scores)(query)
            rows = np.flatnonzero(allowed & (raw > 0))
            scored = raw[rows]
        # Only the rows found are ranked (in row order: the earlier one first among equal scores).
        scores = np.full(len(self.passages), -np.inf)
        scores[rows] = scored
        ranked = [int(rows[i]) for i in best_first(scored, REPRINT_SLACK * top_k) if np.isfinite(scored[i])]
        shown = self._once(ranked, scores, allowed)[:top_k]
        if mode == "phrase":
            return [
                self._hit(i, score, phrase_spans(self.passages[i].text, query.text)) for i, score in shown
            ]
        terms = query.highlight_terms
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
        self,
        documents: Collection[str] | None,
        doc_types: Collection[str] | None,
        include_superseded: bool,
        issued: Issued | None,
    ) -> np.ndarray:
        if not documents and not doc_types and issued is None:  # the common case: no per-passage pass
            return np.ones(len(self.passages), dtype=bool) if include_superseded else self._current
        doc_ids = list(self.titles)
        wanted = np.array(
            [
                (not documents or d in documents)
                and (not doc_types or self.doc_types[d] in doc_types)
                and (issued is None or issued.admits(self.metas[d]))
                and (include_superseded or bool(documents) or d not in self.superseded)
                for d in doc_ids
            ],
            dtype=bool,
        )
        return wanted[self._document_rows]  # one test per document, spread to its passages

    def _hit(self, row: int, score: float, highlights: tuple[tuple[int, int], ...]) -> Hit:
        passage = self.passages[row]
        meta = self.metas[passage.document_id]
        # 另见: the current documents that reprint this text, or for a reprint the text it reprints.
        others = self._canonical.get(row) or self._reprinted.get(row, ())
        return Hit(
            passage=passage,
            document_title=self.titles[passage.document_id],
            doc_type=self.doc_types[passage.document_id],
            revision_year=meta.revision_year,
            current=passage.document_id not in self.superseded,
            score=score,
            highlights=highlights,
            also=tuple(self._reference(other) for other in others),
            published=meta.published,
            doc_number=meta.doc_number,
            issuer=meta.issuer,
            written=meta.written,
        )

    def _reference(self, row: int) -> Reference:
        passage = self.passages[row]
        return Reference(passage.id, passage.document_id, self.titles[passage.document_id], passage.citation)
