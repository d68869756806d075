"""The question as every part of retrieval sees it, parsed once at the entrance.

The lexical retrievers, coverage, the enumeration signal, the highlighter, the answer's sentence
scores and the abstention decision all read this one object instead of tokenising the text again.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from index.analysis.enumerations import CountedName, counted_name, query_count
from index.analysis.intent import Want, asked_units, asked_years, topic, want
from index.analysis.question_parts import question_parts
from index.analysis.tokenize import bigrams, content_bigrams, key_terms, query_terms, synonyms
from index.retrieval.bm25 import Bm25


@dataclass(frozen=True, slots=True)
class Query:
    text: str  # as typed
    want: Want  # the kind of sentence that answers it
    count: int | None  # the size of the list asked for (四个… → 4); None unless the question wants a list
    # What the count counts, as a text names it (三大法宝 → 三个法宝); None without a count or a word after.
    counted: CountedName | None
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
    # Share of the topic's content pairs (none across a function character: 指的是) the corpus holds
    # anywhere: `known` below the words, where the dictionary splits a question's word into characters
    # the corpus knows (年假 → 年 假).
    known_pairs: float
    vector: np.ndarray | None = None  # the question's embedding; None where no dense score is needed
    # The sentence units nearest the embedding (rows, cosines; best first), searched once for the
    # dense scores and the abstention's lift alike.
    nearest: tuple[np.ndarray, np.ndarray] | None = None
    # The question embedded with the documents' wordings of its colloquial words appended
    # (党员私自办了绿卡会怎么样（永久居留资格，长期居留许可）), and the units nearest that: e5-small does
    # not know that 绿卡 is 永久居留资格, so the dense scores and the quotes' cosines read these.
    # None: the question has no such word.
    bridged_vector: np.ndarray | None = None
    bridged: tuple[np.ndarray, np.ndarray] | None = None
    # The units nearest each part of a question asked in several (index.analysis.question_parts), each
    # part embedded alone; () for a question asked in one.
    parts: tuple[tuple[np.ndarray, np.ndarray], ...] = ()

    def as_typed(self) -> Query:
        """The same question read in its own words only (dense scores and cosines)."""
        return replace(self, bridged=None, bridged_vector=None)

    def names_count(self, text: str) -> bool:
        """Whether `text` lists the counted thing under its count (A，B，C，是…三个法宝)."""
        return self.counted is not None and self.counted.listed_in(text)

    def share(self, text: str) -> float:
        """Share of the question's weight in terms that occur in `text` (lower-cased)."""
        return float(self.presence([text]).shares()[0])

    def presence(self, texts: Sequence[str]) -> Presence:
        """The question's words looked for in `texts` (lower-cased), for the signals read of them."""
        return Presence(self, texts)

    @property
    def highlight_terms(self) -> list[str]:
        return [t for t in self.terms if len(t) > 1]


class Presence:
    """Which of a question's words each of some texts holds, and the signals read from that.

    The signals are read for every candidate of a query. Each word is tested against each text once
    (one `in` per pair, in a comprehension) and remembered for every signal that reads it; the sums
    are made in numpy in the order Python's sums over the held words made them: the same floats as
    one text at a time, without a Python frame per pair.
    """

    def __init__(self, query: Query, texts: Sequence[str]) -> None:
        self.query = query
        self.texts = texts
        self._found: dict[str, list[bool]] = {}

    def holds(self, needles: Sequence[str]) -> np.ndarray:
        """(needles × texts): whether each text holds each needle."""
        for n in needles:
            if n not in self._found:
                self._found[n] = [n in t for t in self.texts]
        matrix = np.array([self._found[n] for n in needles], dtype=bool)
        return matrix.reshape(len(needles), len(self.texts))

    def _weighted(self, weights: dict[str, float]) -> np.ndarray:
        """Share of `weights` in the terms each text holds (a weight not held adds 0.0)."""
        total = sum(weights.values())
        sums = np.zeros(len(self.texts))
        if not total:
            return sums
        for weight, held in zip(weights.values(), self.holds(list(weights)), strict=True):
            sums += np.where(held, weight, 0.0)
        return sums / total

    def shares(self) -> np.ndarray:
        """`Query.share` of each text."""
        return self._weighted(self.query.weights)

    def phrase_shares(self) -> np.ndarray:
        """Share of the question's word pairs that each text holds in the same order, side by side."""
        return self._weighted(self.query.phrases)

    def coverages(self) -> np.ndarray:
        """Share of the question's key words that each text holds."""
        words = self.query.words
        return self.holds(words).sum(axis=0) / len(words) if words else np.zeros(len(self.texts))

    def year_shares(self) -> np.ndarray:
        """Share of the years the question names that each text names too (in either form)."""
        years = self.query.years
        if not years:
            return np.zeros(len(self.texts))
        return sum(self.holds(forms).any(axis=0).astype(np.int64) for forms in years) / len(years)

    def best_shares(self, sentences: Callable[[int], Sequence[str]]) -> np.ndarray:
        """The best share of any one sentence of each text, given text i's sentences (lower-cased);
        a term is looked for only in the sentences of the texts that hold it."""
        weights = self.query.weights
        best, total = np.zeros(len(self.texts)), sum(weights.values())
        held = self.holds(list(weights))
        holding = np.flatnonzero(held.any(axis=0)) if total else np.zeros(0, dtype=np.int64)
        parts = [sentences(int(i)) for i in holding]
        counts = np.array([len(p) for p in parts], dtype=np.int64)
        if not counts.sum():
            return best
        flat = [part for p in parts for part in p]
        owner = np.repeat(holding, counts)
        sums = np.zeros(len(flat))
        for (term, weight), row in zip(weights.items(), held, strict=True):
            look = np.flatnonzero(row[owner])
            sums[look[np.array([term in flat[i] for i in look], dtype=bool)]] += weight
        has = counts > 0  # reduceat over the texts with sentences: their runs lie back to back
        best[holding[has]] = np.maximum.reduceat(sums, (np.cumsum(counts) - counts)[has]) / total
        return best


def parse(
    text: str,
    body: Bm25,
    pairs: Bm25,
    embed: Callable[[str], np.ndarray] | None = None,
    nearest: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> Query:
    """Weight each term by its idf in `body` (BM25's formula); a word the corpus never uses gets the
    highest idf, so a question about something else keeps most of its weight unmatched. `pairs` is the
    character-pair field the corpus' pairs are looked up in. `embed` and
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
    # The documents' wordings of its colloquial words (绿卡 → 永久居留资格, 长期居留许可); every synonym
    # key is a key word, so they are read off `words` without segmenting the question again.
    extra = list(dict.fromkeys(wording for word in words for wording in synonyms().get(word, ())))
    vector = near = bridged = bridged_vector = None
    parts: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
    if embed is not None and nearest is not None:
        vector = embed(text)
        near = nearest(vector)
        if extra:
            bridged_vector = embed(f"{text}（{'，'.join(extra)}）")
            bridged = nearest(bridged_vector)
        parts = tuple(nearest(embed(part)) for part in question_parts(text))
    content = set(content_bigrams(about))
    wanted = want(text)
    count = query_count(text) if wanted is Want.LIST else None
    return Query(
        text,
        wanted,
        count,
        counted_name(text) if count is not None else None,
        asked_units(text),
        asked_years(text),
        terms,
        words,
        weights,
        known / total if total else 0.0,
        phrases,
        dict(Counter(bigrams(about))),
        sum(p in pairs.vocab for p in content) / len(content) if content else 0.0,
        vector,
        near,
        bridged_vector,
        bridged,
        parts,
    )
