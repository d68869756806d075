"""Answers assembled only from verbatim source sentences, each cited; abstention when nothing supports them.

The hybrid search finds the passages; the answer is the sentence (or a lead-in with its list items)
within them that best answers the question, chosen by a fitted linear model over the candidate's
signals: the question's rarity-weighted words its lead-in holds, its word pairs side by side, its
cosine with the question, its passage's rank and score, its length, and whether it is the kind of
sentence the question asks for (index.retrieval.kinds). A second fitted model decides from the
evidence as a whole (how much of the question the corpus knows, the best cosine and word share,
the margin between the first passages) whether the knowledge base answers at all. Nothing is
generated: every quote is passage.text[start:end].
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from index.analysis.intent import unknown_regulations
from index.analysis.units import sentence_spans
from index.embedding.embed_cache import EmbeddingCache
from index.fitted.linear import LinearModel, Models
from index.model import Answer, Citation, Hit
from index.retrieval.kinds import fit, states_asked
from index.retrieval.query import Query
from index.retrieval.search import Issued, Searcher
from index.storage.generations import data_dir_of, embedding_cache_path
from ingest.outline import parse_number

NO_BASIS = "知识库中未找到相关依据。"
MAX_QUOTES = 3
# Another document's sentence is cited too when the ranker finds its passage at least a third as likely
# to answer as the first quote's: the listwise ranker's scores are log-probabilities (see its fitting).
SECOND_GAP = math.log(3)
QUOTE_FEATURES = (
    "share",
    "phrase",
    "cosine",
    "dilution",
    "rank",
    "passage",
    "kind",
    "length",
    "list",
    "pair",
    "lead",
)
ABSTAIN_FEATURES = (
    "known",
    "known_pairs",
    "best_cosine",
    "quote_cosine",
    "quote_share",
    "top_share",
    "top_coverage",
    "top_verbatim",
    "margin",
    "lift",
)
LIFT_UNITS = 50  # the best sentence's cosine is measured against the mean of this many nearest ones
_CHUNK = re.compile(r"[^\s，,。？?！!、；;：:]{2,}")  # the parts of a query typed apart (自重 自省 自警)

_LABEL = re.compile(r"第[一二三四五六七八九十百千零〇\d]+条\s*")  # the citation already names the article
# An item of a list, with its style and number: 一是 二是 …, 其一, 第一，, （一） (1), 一、, 1.
_NUMBERED = re.compile(
    r"(?P<shi>[一二三四五六七八九十]+)是|其(?P<qi>[一二三四五六七八九十]+)|第(?P<di>[一二三四五六七八九十]+)[，、]|"
    r"[（(](?P<paren>[一二三四五六七八九十]+|\d+)[）)]|(?P<dun>[一二三四五六七八九十]+)、|(?P<arabic>\d+)[.．、]"
)
MAX_EXPLAINED = 500  # characters of a list whose items are explained by sentences of their own
_ANNOUNCES = re.compile(r"下列|如下|以下|包括")  # a sentence announcing a list, even without ：
_OPENS_LIST = ("：", "；")  # a lead-in ends in ：, an inline list item in ；
SENTENCE, LIST, PAIR = "sentence", "list", "pair"
MAX_PAIR = 200  # characters of two adjacent sentences quoted together
MAX_PARAGRAPH = 450  # characters of a paragraph of three sentences or more quoted whole


@dataclass(frozen=True, slots=True)
class QuoteCandidate:
    hit: Hit
    rank: int  # of its passage among the hits, from 0
    start: int
    end: int
    cosine: float  # with the question: its (lead-in) sentence's; the best of a pair's or a paragraph's
    dilution: float  # how far the mean of a pair's or a paragraph's sentences' cosines falls below the best
    fit: float  # is it the kind of sentence the question wants (index.retrieval.kinds.fit)
    shape: str  # SENTENCE, LIST (a lead-in with its items) or PAIR (two adjacent sentences, a paragraph)
    about_end: int  # end of what the quote is about: the lead-in of a list, else the whole quote
    first: int  # index of its first sentence in the passage

    @property
    def quote(self) -> str:
        return self.hit.passage.text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Reading:
    """The passages one reading of a question finds, with their quote candidates."""

    hits: list[Hit]
    quotes: list[QuoteCandidate]
    quote_features: dict[str, np.ndarray]  # QUOTE_FEATURES, one value per quote candidate


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything the answer's decisions read, for one question (also what bench/fit.py fits on)."""

    query: Query
    shown: Reading  # what the answer quotes from: the question read with its colloquial words bridged
    # The question as typed, its colloquial words not bridged (Query.bridged): what the refusal decision
    # reads; `shown` itself where the question has no such word. Bridged, a member's 绿卡 finds its
    # article, but so does 护照 in 出国护照怎么办理, and the decision fitted on bridged readings refused
    # more members and answered more strangers (bench/RESULTS.md).
    typed: Reading
    question_features: dict[str, float]  # ABSTAIN_FEATURES of `typed`, given its best quote
    quote_scores: np.ndarray  # of `shown`'s quote candidates
    unknown_regulation: bool  # the question names a regulation the knowledge base does not hold
    ruled_out: bool  # refused whatever the fitted decision says (`ruled_out`)
    # How far the closest sentence stands out of the nearest ones: a question the documents answer has
    # a peak, another a plateau. Unlike the cosine itself, this does not rise with the library's size.
    lift: float


def answer(
    searcher: Searcher,
    question: str,
    top_k: int = 5,
    documents: Collection[str] | None = None,
    models: Models | None = None,
    issued: Issued | None = None,
) -> Answer:
    """`models` replaces the shipped fitted models (cross-validation); `documents` and `issued` narrow
    the documents answered from, as in `Searcher.search`."""
    models = models or Models.shipped()
    evidence = gather(searcher, question, top_k, documents, models, issued=issued)
    if (
        not evidence.shown.quotes
        or evidence.ruled_out
        or models.abstain.score(evidence.question_features) < models.abstain.threshold
    ):
        return abstention(question, tuple(evidence.shown.hits))
    chosen = _choose(evidence)
    citations = tuple(
        Citation(n, c.hit.passage, c.hit.document_title, c.quote, c.start, c.end)
        for n, c in enumerate(chosen, 1)
    )
    text = "\n".join(f"「{c.quote}」[{c.n}]" for c in citations)
    return Answer(question, True, text, citations, tuple(evidence.shown.hits))


def abstention(question: str, hits: tuple[Hit, ...] = ()) -> Answer:
    """The honest answer when the knowledge base holds no basis; `hits` are the nearest passages."""
    return Answer(question, False, NO_BASIS, (), hits)


def gather(
    searcher: Searcher,
    question: str,
    top_k: int,
    documents: Collection[str] | None,
    models: Models,
    *,
    issued: Issued | None = None,
) -> Evidence:
    query = searcher.parse(question)
    shown = _read(searcher, query, top_k, documents, models, issued)
    typed = shown
    if query.bridged is not None:
        typed = _read(searcher, query.as_typed(), top_k, documents, models, issued)
    scores = models.quotes.score(shown.quote_features) if shown.quotes else np.zeros(0)
    unknown = bool(unknown_regulations(question, list(searcher.titles.values())))
    nearest = searcher.unit_cosines(query, LIFT_UNITS)
    lift = float(nearest[0] - nearest.mean()) if len(nearest) else 0.0
    asked = decision_features(query, typed, models.quotes, lift=lift)
    out = ruled_out(query, shown.quotes, scores, unknown_regulation=unknown)
    return Evidence(query, shown, typed, asked, scores, unknown, out, lift)


def _read(
    searcher: Searcher,
    query: Query,
    top_k: int,
    documents: Collection[str] | None,
    models: Models,
    issued: Issued | None,
) -> Reading:
    hits = searcher.search(query, top_k=top_k, documents=documents, ranker=models.ranker, issued=issued)
    quotes = _candidates(searcher, query, hits)
    return Reading(hits, quotes, _quote_features(query, hits, quotes))


def decision_features(query: Query, typed: Reading, quotes: LinearModel, *, lift: float) -> dict[str, float]:
    """ABSTAIN_FEATURES of the question as typed, its quote candidates scored by `quotes`."""
    scores = quotes.score(typed.quote_features) if typed.quotes else np.zeros(0)
    return question_features(query, typed.hits, typed.quotes, scores, lift=lift)


def _choose(evidence: Evidence) -> list[QuoteCandidate]:
    """The best quote, and the best of each other document whose passage the ranker ranks nearly as
    high and that is as much the kind of sentence asked for."""
    order = np.argsort(-evidence.quote_scores, kind="stable")
    best = evidence.shown.quotes[order[0]]
    chosen = [best]
    for i in order[1:]:
        c = evidence.shown.quotes[i]
        if len(chosen) == MAX_QUOTES:
            break
        if (
            c.hit.score >= best.hit.score - SECOND_GAP
            and c.fit >= best.fit
            and all(c.hit.passage.document_id != o.hit.passage.document_id for o in chosen)
        ):
            chosen.append(c)
    return chosen


def _quote_features(query: Query, hits: list[Hit], quotes: list[QuoteCandidate]) -> dict[str, np.ndarray]:
    if not quotes:
        return {name: np.zeros(0) for name in QUOTE_FEATURES}
    leads = query.presence([_lead(c).lower() for c in quotes])
    cosines = np.array([c.cosine for c in quotes])
    top = hits[0].score
    return {
        "share": leads.shares(),
        "phrase": leads.phrase_shares(),
        "cosine": cosines - cosines.max(),
        "dilution": np.array([c.dilution for c in quotes]),
        "rank": np.array([1 / (1 + c.rank) for c in quotes]),
        "passage": np.array([c.hit.score - top for c in quotes]),
        "kind": np.array([c.fit for c in quotes]),
        "length": np.array([(c.end - c.start) / 100 for c in quotes]),
        "list": np.array([float(c.shape == LIST) for c in quotes]),
        "pair": np.array([float(c.shape == PAIR) for c in quotes]),
        "lead": np.array([float(c.first == 0) for c in quotes]),
    }


def question_features(
    query: Query,
    hits: list[Hit],
    quotes: list[QuoteCandidate],
    scores: np.ndarray,
    *,
    lift: float,
) -> dict[str, float]:
    if not quotes:
        return dict.fromkeys(ABSTAIN_FEATURES, 0.0)
    best = quotes[int(np.argmax(scores))]
    top = hits[0].passage.text.lower()
    in_top = query.presence([top])
    chunks = _CHUNK.findall(query.text.lower())
    return {
        "known": query.known,
        "known_pairs": query.known_pairs,
        "best_cosine": max(c.cosine for c in quotes),
        "quote_cosine": best.cosine,
        "quote_share": query.share(_lead(best).lower()),
        "top_share": float(in_top.shares()[0]),
        "top_coverage": float(in_top.coverages()[0]),
        "top_verbatim": sum(c in top for c in chunks) / len(chunks) if chunks else 0.0,
        "margin": hits[0].score - hits[1].score if len(hits) > 1 else 1.0,
        "lift": lift,
    }


def ruled_out(
    query: Query, quotes: list[QuoteCandidate], scores: np.ndarray, *, unknown_regulation: bool
) -> bool:
    """Refused, however close the sentences come: the question names a regulation the knowledge base
    does not hold (问责条例 is not answered from the 纪律处分条例), or asks how many or how long and
    the best quote states no number in the unit asked (多少天 is not answered with 六个月). The fitted
    decision is for the questions these checks leave open, and is fitted on those alone."""
    if unknown_regulation:
        return True
    return bool(quotes) and not states_asked(query, _lead(quotes[int(np.argmax(scores))]))


def _lead(c: QuoteCandidate) -> str:
    """What a candidate is about: a list's lead-in, else all of it."""
    return c.hit.passage.text[c.start : c.about_end]


def _candidates(searcher: Searcher, query: Query, hits: list[Hit]) -> list[QuoteCandidate]:
    if not hits:
        return []
    per_hit = [sentence_spans(hit.passage.text) for hit in hits]
    cosines = _sentence_cosines(
        searcher,
        query,
        [hit.passage.text[s:e] for hit, spans in zip(hits, per_hit, strict=True) for s, e in spans],
    )
    found = []
    offset = 0  # of the hit's first sentence in `cosines`
    for rank, (hit, spans) in enumerate(zip(hits, per_hit, strict=True)):
        text = hit.passage.text
        for first, last, shape in _groups(text, spans):
            start, end = spans[first][0], spans[last][1]
            if (label := _LABEL.match(text, start, end)) and label.end() < end:
                start = label.end()
            cosine, dilution = cosines[offset + first], 0.0
            if shape == PAIR:
                # As near the question as its nearest sentence: a chronicle's entry (会议召开。…成立中央纪律
                # 检查委员会，选举陈云为…) answers through one of its sentences. How far the rest stray from
                # it is a signal of its own, not averaged into the cosine, which would bury the entry.
                run = cosines[offset + first : offset + last + 1]
                cosine = run.max()
                dilution = float(cosine - run.mean())
            found.append(
                QuoteCandidate(
                    hit,
                    rank,
                    start,
                    end,
                    cosine=float(cosine),
                    dilution=dilution,
                    fit=fit(query, text[start:end], is_list=shape == LIST),
                    shape=shape,
                    about_end=spans[first][1] if shape == LIST else end,
                    first=first,
                )
            )
        offset += len(spans)
    return found


def _groups(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(first, last, shape) sentence indices of each candidate quote: a sentence; a lead-in with the list
    items that follow it (…的手续是：A；B；C。, …原则：（一）…（二）…, …运用好。一是…二是…); two
    adjacent sentences (an event and its outcome); or a short paragraph of three sentences or more whole
    (a chronicle's entry for one date). A lead-in never stands alone: 「手续是：A；」 without
    B and C would misquote the rule (its items may be in the next part of a split article)."""
    groups = []
    numbers = [_number(text, start) for start, _ in spans]  # each sentence's item number, if it is one
    for i, (start, end) in enumerate(spans):
        sentence = text[start:end]
        leads = sentence.endswith(_OPENS_LIST) and ("：" in sentence or bool(_ANNOUNCES.search(sentence)))
        last = _items_end(text, spans, numbers, i, leads)
        if last > i:
            groups.append((i, last, LIST))
        elif not leads:
            groups.append((i, i, SENTENCE))
            if i + 1 < len(spans) and spans[i + 1][1] - start <= MAX_PAIR:
                groups.append((i, i + 1, PAIR))
    # A short paragraph of three sentences or more, whole (a chronicle's entry for one date).
    first = 0
    for i in range(len(spans)):
        if i + 1 == len(spans) or "\n" in text[spans[i][1] : spans[i + 1][0]]:
            if i - first >= 2 and spans[i][1] - spans[first][0] <= MAX_PARAGRAPH:
                groups.append((first, i, PAIR))
            first = i + 1
    return groups


Numbers = list[tuple[str, int] | None]  # per sentence: (style, number) of the list item it is, if any


def _items_end(text: str, spans: list[tuple[int, int]], numbers: Numbers, i: int, leads: bool) -> int:
    """The last sentence of the list that sentence i leads into (i itself when it leads into none)."""
    if numbers[i] or (not leads and not (i + 1 < len(spans) and numbers[i + 1])):
        return i  # an item leads into no list of its own (its list starts with the lead-in before it)
    if _explains(numbers, i):
        return i
    last = i
    while last + 1 < len(spans) and (
        numbers[last + 1] or text[spans[last][0] : spans[last][1]].endswith(_OPENS_LIST)
    ):
        last += 1
    return _explained_end(text, spans, numbers, i, last)


def _explains(numbers: Numbers, i: int) -> bool:
    """Whether sentence i explains the numbered item before it, the next sentence being the item numbered
    after that one (一是…。[i]。二是…): i leads into no list, it stands inside one."""
    following = numbers[i + 1] if i + 1 < len(numbers) else None
    preceding = next((n for n in reversed(numbers[:i]) if n), None)
    return following is not None and preceding == (following[0], following[1] - 1)


def _explained_end(text: str, spans: list[tuple[int, int]], numbers: Numbers, lead: int, last: int) -> int:
    """Where a list ends whose items are explained by sentences of their own (…运用好。一是…。红色资源是…。
    二是…。): past the explanations, at the item numbered next after the list's last one, for as long as
    one follows (an item of the same style numbered otherwise starts another list). `lead` is the list's
    lead-in, `last` the end of its run of adjacent items."""
    if numbers[last] is None:
        return last
    style, n = numbers[last]
    for j in range(last + 1, len(spans)):
        if spans[j][1] - spans[lead][0] > MAX_EXPLAINED:
            break
        found = next(filter(None, (_number(text, at) for at in _starts(text, *spans[j]))), None)
        if found is not None and found[0] == style:
            if found[1] != n + 1:
                break
            last, n = j, n + 1
    return last


def _starts(text: str, start: int, end: int) -> list[int]:
    """Where the sentences of a span start (a short one is joined to the next: 要统筹好。二是…)."""
    return [start] + [at + 1 for at in range(start, end - 1) if text[at] in "。！？"]


def _number(text: str, at: int) -> tuple[str, int] | None:
    """(style, number) of the numbered item starting at `at`, None when none does."""
    if (match := _NUMBERED.match(text, at)) is None or match.lastgroup is None:
        return None
    return match.lastgroup, parse_number(match.group(match.lastgroup))


def _sentence_cosines(searcher: Searcher, query: Query, sentences: list[str]) -> np.ndarray:
    """Cosine of the question with each sentence. Building the index embedded every sentence unit into
    the data folder's embedding cache, so this reads vectors and embeds nothing (embedding thirty
    sentences instead would take most of a second on two cores)."""
    cache = EmbeddingCache(embedding_cache_path(data_dir_of(searcher.generation)))
    try:
        vectors = cache.embed(searcher.embedder.model_id, sentences, searcher.embedder.embed_passages)
    finally:
        cache.close()
    assert query.vector is not None
    return vectors @ (query.vector if query.bridged_vector is None else query.bridged_vector)
