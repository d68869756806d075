"""The question as every part of retrieval sees it, parsed once at the entrance.

The lexical retrievers, coverage, the enumeration signal, the highlighter, the answer's sentence
scores and the abstention decision all read this one object instead of tokenising the text again.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from index.analysis.enumerations import query_count
from index.analysis.intent import Want, asked_units, asked_years, topic, want
from index.analysis.tokenize import bigrams, key_terms, query_terms, synonyms
from index.retrieval.bm25 import Bm25


@dataclass(frozen=True, slots=True)
class Query:
    text: str  # as typed
    want: Want  # the kind of sentence that answers it
    count: int | None  # the size of a counted enumeration asked for (四个… → 4)
    units: tuple[str, ...]  # the units of the number asked for (几年 → 年; 多久 → any period)
    years: tuple[tuple[str, str], ...]  # the years it names, as digits and in Chinese numerals
    terms: dict[str, float]  # lexical terms of the topic (question words dropped) -> query weight
    words: tuple[str, ...]  # the topic's key words as typed (主题党日, 内容): coverage, highlights
    weights: dict[str, float]  # each term's weight times its rarity (idf) in this corpus
    # Share of the weight in words the corpus uses at all: a question about 年假 or 所得税 is not
    # about these documents, however close some sentence comes to it in meaning.
    known: float
    phrases: dict[str, float]  # adjacent key words as typed (参加组织生活) -> their summed weight
    bigrams: dict[str, float]  # the topic's character pairs -> how often they occur in it
    vector: np.ndarray | None = None  # the question's embedding; None where no dense score is needed
    # The sentence units nearest the embedding (rows, cosines; best first), searched once for the
    # dense scores and the abstention's lift alike.
    nearest: tuple[np.ndarray, np.ndarray] | None = None

    def share(self, text: str) -> float:
        """Share of the question's weight in terms that occur in `text` (lower-cased)."""
        return _share(self.weights, text)

    def held(self, text: str) -> list[tuple[str, float]]:
        """The weighted terms that occur in `text` (lower-cased), in the weights' order."""
        return [(t, w) for t, w in self.weights.items() if t in text]

    def best_share(self, held: list[tuple[str, float]], parts: list[str]) -> float:
        """The best `share` of any one of `parts` (a text's sentences), given the terms the text holds."""
        if not held:
            return 0.0
        if len(held) == 1:  # a third of the candidates: one term, in some sentence or in none
            (term, weight), total = held[0], sum(self.weights.values())
            return (weight if any(term in part for part in parts) else 0.0) / total
        most, best = sum(w for _, w in held), 0.0
        for part in parts:
            best = max(best, sum(w for t, w in held if t in part))
            if best == most:  # a sentence holds every term the passage holds: none does better
                break
        return best / sum(self.weights.values())

    def phrase_share(self, text: str) -> float:
        """Share of the question's word pairs that `text` holds in the same order, side by side."""
        return _share(self.phrases, text)

    def year_share(self, text: str) -> float:
        """Share of the years the question names that `text` names too (in either form)."""
        if not self.years:
            return 0.0
        return sum(any(form in text for form in forms) for forms in self.years) / len(self.years)

    @property
    def highlight_terms(self) -> list[str]:
        return [t for t in self.terms if len(t) > 1]


def _share(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in text) / total if total else 0.0


def parse(
    text: str,
    body: Bm25,
    embed: Callable[[str], np.ndarray] | None = None,
    nearest: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> Query:
    """Weight each term by its idf in `body` (BM25's formula); a word the corpus never uses gets the
    highest idf, so a question about something else keeps most of its weight unmatched. `embed` and
    `nearest` (both or neither) give the embedding and its nearest units."""
    about = topic(text)
    terms = query_terms(about)
    weights, known = {}, 0.0
    for term, weight in terms.items():
        col = body.vocab.get(term)
        if col is None and term not in about.lower():
            continue  # an expansion the documents do not use: no evidence either way
        df = 0 if col is None else body.df[col]
        weights[term] = weight * math.log1p((body.n_docs - df + 0.5) / (df + 0.5))
        # A colloquial form with a known wording (交党费 → 交纳党费) is the members' word for a topic here.
        known += weights[term] if col is not None or term in synonyms() else 0.0
    total = sum(weights.values())
    words = tuple(key_terms(about))
    phrases = {
        a + b: weights.get(a, 0.0) + weights.get(b, 0.0) for a, b in pairwise(words) if a + b in about.lower()
    }
    vector = embed(text) if embed is not None else None
    return Query(
        text,
        want(text),
        query_count(text),
        asked_units(text),
        asked_years(text),
        terms,
        words,
        weights,
        known / total if total else 0.0,
        phrases,
        dict(Counter(bigrams(about))),
        vector,
        nearest(vector) if vector is not None and nearest is not None else None,
    )
