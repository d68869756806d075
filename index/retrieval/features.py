"""The signals hybrid ranking weighs, computed for each candidate passage of a query.

Candidates are the best lexical and the best dense passages. Each gets the retrievers' scores
(min-max normalised over their own top candidates, since BM25 and cosine live on different
scales), its ranks in both lists, a BM25 score over character pairs, the share of the question's
words it holds (plain, rarity-weighted, within one sentence, in its headings, as adjacent pairs),
whether it is the kind of sentence the question wants, a counted enumeration of the asked size (or the
counted thing named under its count where its items are listed), the years the question names (in its
text or headings), how near its sentences come to every part of a question asked in several, its
document's authority and its length, and the score of a second lexical pass
expanded with the words of the first pass's best passages (pseudo-relevance feedback: members' words
bridged to the documents' own). A fitted linear model (index.fitted) weighs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np

from index.analysis.enumerations import enumeration_match, enumerations
from index.retrieval.bm25 import Bm25
from index.retrieval.kinds import fit
from index.retrieval.query import Query

CANDIDATES = 100  # from each retriever; also the depth each retriever's scores are normalised over
FEEDBACK_PASSAGES = 5  # the first pass's best passages lend their words to the second pass
FEEDBACK_TERMS = 10
FEATURES = (
    "lexical",
    "dense",
    "heading",
    "bigram",
    "cosine",
    "parts",
    "lexical_rank",
    "dense_rank",
    "coverage",
    "share",
    "sentence_share",
    "heading_share",
    "phrase",
    "kind",
    "enumeration",
    "year",
    "feedback",
    "regulation",
    "page",
    "length",
)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PerRow(Generic[T]):
    """What `compute` makes of a passage (by row), made when a query first looks at that passage:
    only candidates are ever looked at, so loading a generation computes it for none."""

    compute: Callable[[int], T]
    done: dict[int, T] = field(default_factory=dict)

    def __getitem__(self, row: int) -> T:
        if row not in self.done:  # two threads may both compute it: the same value
            self.done[row] = self.compute(row)
        return self.done[row]


@dataclass(frozen=True, slots=True)
class Corpus:
    """What the features read of each passage."""

    texts: list[str]  # lower-cased passage text
    headings: list[str]  # lower-cased document title and heading path
    sentences: PerRow[list[str]]  # lower-cased sentences of each passage
    enumerations: PerRow[set[tuple[int, str]]]
    authority: np.ndarray  # index.storage.reprints.authority_of: 0 章程 … 10+ saved pages
    length: np.ndarray  # characters

    @classmethod
    def of(
        cls,
        texts: list[str],
        headings: list[str],
        authority: np.ndarray,
        sentences: Sequence[Sequence[tuple[int, int]]],
        found: dict[int, set[tuple[int, str]]] | None,
    ) -> Corpus:
        """`texts` as stored (not lower-cased) with their passages' headings, authority, sentence spans
        (index.analysis.units, as the build stored them) and the enumerations the build found by row
        (None: a generation that did not store them, whose passages are looked at when first needed)."""
        return cls(
            texts=[t.lower() for t in texts],
            headings=[h.lower() for h in headings],
            sentences=PerRow(lambda row: [texts[row][a:b].lower() for a, b in sentences[row]]),
            enumerations=PerRow(lambda _: set(), found)
            if found is not None
            else PerRow(lambda row: enumerations(texts[row])),
            authority=authority,
            length=np.array([len(t) for t in texts], dtype=np.float32),
        )


@dataclass(frozen=True, slots=True)
class Candidates:
    rows: np.ndarray  # passage rows
    features: dict[str, np.ndarray]  # FEATURES -> one value per row


def normalise(scores: np.ndarray, top: int = CANDIDATES) -> np.ndarray:
    """Map the best score to 1 and the top-th best to 0; everything below clips to 0. Scores are
    ≥ 0 (0: no match), so only the matches are looked at."""
    if not len(scores):
        return scores
    matched = scores[scores > 0]
    if len(matched) >= top:
        low = float(np.partition(matched, len(matched) - top)[len(matched) - top])
    else:  # the top-th best is a non-match, unless every score is one of the few matches
        low = float(matched.min()) if len(matched) == len(scores) else 0.0
    high = float(matched.max()) if len(matched) else 0.0
    if high <= low:
        return (scores >= high).astype(np.float32) if high > 0 else np.zeros_like(scores)
    return np.clip((scores - low) / (high - low), 0.0, 1.0)


def best_first(scores: np.ndarray, n: int) -> np.ndarray:
    """Rows of the n highest scores, best first and the earlier row first among equals, as a stable
    sort of all of them would give, found without sorting them all (tens of thousands per query)."""
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    kth = np.partition(scores, len(scores) - n)[len(scores) - n]  # the n-th highest
    above = np.flatnonzero(scores > kth)
    rows = np.union1d(above, np.flatnonzero(scores == kth)[: n - len(above)])
    return rows[np.argsort(-scores[rows], kind="stable")]


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Rows of the n best positive scores, best first (the earlier row first among equals)."""
    rows = np.flatnonzero(scores > 0)
    return rows[best_first(scores[rows], n)]


def _rank_feature(order: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """10 / (10 + rank) in a retriever's list (0 for the first) of `n` passages; rows not in the list
    count as rank 100."""
    rank = np.full(n, float(CANDIDATES))
    rank[order] = np.arange(len(order))
    return 10.0 / (10.0 + rank[rows])


def _feedback(query: Query, body: Bm25, first: np.ndarray) -> np.ndarray:
    """BM25 scores for the words that weigh most in the first pass's best passages, beyond the query's."""
    top = _top(first, FEEDBACK_PASSAGES)
    if not len(top):
        return np.zeros(body.n_docs, dtype=np.float32)
    weight = body.summed(top)
    for term in query.terms:
        if (col := body.vocab.get(term)) is not None:
            weight[col] = 0.0
    cols = _top(weight, FEEDBACK_TERMS)
    if not len(cols):
        return np.zeros(body.n_docs, dtype=np.float32)
    terms = {body.terms[c]: float(weight[c] / weight[cols[0]]) for c in cols}
    return body.scores(terms)


def _enumeration(query: Query, text: str, found: set[tuple[int, str]]) -> float:
    """How well the passage holds the counted list asked for: its enumerations (`found`), or the counted
    thing named under its count where the items are listed (A，B，C，是…三个法宝)."""
    if query.count is None:
        return 0.0
    return max(enumeration_match(query.count, query.text, found), float(query.names_count(text)))


def candidates(
    query: Query,
    corpus: Corpus,
    body: Bm25,
    *,
    lexical: np.ndarray,
    heading: np.ndarray,
    chars: np.ndarray,
    dense: np.ndarray,
    parts: np.ndarray,
    allowed: np.ndarray,
) -> Candidates:
    lexical, heading, chars, dense = (np.where(allowed, s, 0.0) for s in (lexical, heading, chars, dense))
    lexical_order, dense_order = _top(lexical, CANDIDATES), _top(dense, CANDIDATES)
    rows = np.union1d(lexical_order, dense_order).astype(np.int64)
    if not len(rows):
        return Candidates(rows, {name: np.zeros(0) for name in FEATURES})
    lexical_n, dense_n = normalise(lexical), normalise(dense)
    feedback = normalise(np.where(allowed, _feedback(query, body, lexical_n + dense_n), 0.0))
    found = dense[rows] > 0
    floor = float(dense[rows][found].min()) if found.any() else 0.0
    best = float(dense.max())
    texts = [corpus.texts[r] for r in rows]
    headings = [corpus.headings[r] for r in rows]
    presence = query.presence(texts)
    features = {
        "lexical": lexical_n[rows],
        "dense": dense_n[rows],
        "heading": normalise(heading)[rows],
        "bigram": normalise(chars)[rows],
        "cosine": np.where(found, dense[rows], floor) - best,
        "parts": parts[rows],
        "lexical_rank": _rank_feature(lexical_order, rows, len(lexical)),
        "dense_rank": _rank_feature(dense_order, rows, len(dense)),
        "coverage": presence.coverages(),
        "share": presence.shares(),
        "sentence_share": presence.best_shares(lambda i: corpus.sentences[rows[i]]),
        "heading_share": query.presence(headings).coverages(),
        "phrase": presence.phrase_shares(),
        "kind": np.array(
            [fit(query, corpus.texts[r], is_list=False, found=corpus.enumerations[r]) for r in rows]
        ),
        "enumeration": np.array(
            [_enumeration(query, t, corpus.enumerations[r]) for r, t in zip(rows, texts, strict=True)]
        ),
        "year": query.presence([t + h for t, h in zip(texts, headings, strict=True)]).year_shares(),
        "feedback": feedback[rows],
        "regulation": (corpus.authority[rows] <= 1).astype(np.float64),
        "page": (corpus.authority[rows] >= 10).astype(np.float64),
        "length": np.log1p(corpus.length[rows] / 100),
    }
    return Candidates(rows, features)
