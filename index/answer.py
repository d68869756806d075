"""Answers assembled only from verbatim source sentences, each cited; abstention when nothing supports them.

The hybrid search finds the passages; the answer is the one to three sentences (or a lead-in with
its list items) within them that best fit the question. A candidate scores by its words (the
question's rarity-weighted terms it holds, and its word pairs side by side), its meaning (cosine
with the question), the rank of its passage, its length, and whether it is the kind of sentence the
question asks for (index.question). Nothing is generated: every quote is passage.text[start:end].
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from index.embed_cache import EmbeddingCache
from index.generations import data_dir_of, embedding_cache_path
from index.model import Answer, Citation, Hit
from index.question import Question, analyse, fit
from index.search import Searcher
from index.units import sentence_spans

NO_BASIS = "知识库中未找到相关依据。"
MAX_QUOTES = 3

# Candidate score weights, chosen on ../shared/eval/dev.jsonl (questions whose best candidate satisfies
# the gold): 28/30 on a plateau W_PHRASE 0.5-1.5, W_DENSE 6-10, W_RANK 0.3-0.6, W_FIT 0.5-2 (with
# index.question.CUE 0-0.2), W_LENGTH 0-0.1; 25-27 around it. Cosines of one question's candidates
# spread over ~0.05, term shares over ~0.5: the cosine's weight puts the two on par.
W_TERMS = 1.0
W_PHRASE = 1.0
W_DENSE = 8.0
W_RANK = 0.4
W_FIT = 1.0
W_LENGTH = 0.05  # per 100 characters: of two quotes holding the same words, the tighter one
# A quote from another document scoring within this of the best one is cited too (a plan and a regulation
# may both answer); on the dev set the second documents' answers lie 0.01-0.35 below the best.
SECOND_GAP = 0.4

# Abstention: support = Question.known + SUPPORT_COSINE * (best cosine of a retrieved sentence - COSINE_PIVOT)
# must reach MIN_SUPPORT. The question must be in the corpus's words (known: 1.0 for 党费主要用在哪里, 0.28
# for 个人所得税怎么申报) and some sentence close in meaning; 0.01 of cosine makes up for 0.1 of known.
# Measured on dev.jsonl: 0.97 (四个服从, 关键少数 绝大多数) to 1.64; on tests/data/out_of_domain.txt: -0.76
# to 0.58 (怎么写工作总结), except 如何处理家庭矛盾 at 0.91 (every word of it occurs, and 章程 has a
# sentence on 正确处理…矛盾). The threshold leaves 0.27 to the lowest dev question and 0.12 to the rest.
SUPPORT_COSINE = 10.0
COSINE_PIVOT = 0.9
MIN_SUPPORT = 0.7

_LABEL = re.compile(r"第[一二三四五六七八九十百千零〇\d]+条\s*")  # the citation already names the article
_ITEM = re.compile(r"[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、]")
_OPENS_LIST = ("：", "；")  # a lead-in ends in ：, an inline list item in ；


@dataclass(frozen=True, slots=True)
class _Candidate:
    hit: Hit
    rank: int  # of its passage among the hits, from 0
    start: int
    end: int
    share: float  # of the question's weighted terms its (lead-in) sentence holds
    phrase: float  # of the question's adjacent word pairs it holds side by side
    dense: float  # cosine of its (lead-in) sentence with the question
    fit: float  # is it the kind of sentence the question wants (index.question.fit)

    @property
    def score(self) -> float:
        return (
            W_TERMS * self.share
            + W_PHRASE * self.phrase
            + W_DENSE * self.dense
            + W_RANK / (1 + self.rank)
            + W_FIT * self.fit
            - W_LENGTH * (self.end - self.start) / 100
        )


def answer(
    searcher: Searcher, question: str, top_k: int = 5, documents: Collection[str] | None = None
) -> Answer:
    hits = searcher.search(question, top_k=top_k, documents=documents)
    asked = analyse(question, searcher.body)
    ranked = sorted(_candidates(searcher, asked, hits), key=lambda c: -c.score)
    chosen = _choose(asked, ranked)
    if not chosen:
        return abstention(question, tuple(hits))
    citations = tuple(
        Citation(n, c.hit.passage, c.hit.document_title, c.hit.passage.text[c.start : c.end], c.start, c.end)
        for n, c in enumerate(chosen, 1)
    )
    text = "\n".join(f"「{c.quote}」[{c.n}]" for c in citations)
    return Answer(question, True, text, citations, tuple(hits))


def abstention(question: str, hits: tuple[Hit, ...] = ()) -> Answer:
    """The honest answer when the knowledge base holds no basis; `hits` are the nearest passages."""
    return Answer(question, False, NO_BASIS, (), hits)


def _supported(asked: Question, cosine: float) -> bool:
    return asked.known + SUPPORT_COSINE * (cosine - COSINE_PIVOT) >= MIN_SUPPORT


def _choose(asked: Question, ranked: list[_Candidate]) -> list[_Candidate]:
    """The best candidate, if any retrieved sentence supports the question, and the best of each other
    document that scores nearly as well and is as much the kind of sentence asked for (a plan and a
    regulation may both answer)."""
    if not ranked or not _supported(asked, max(c.dense for c in ranked)):
        return []
    best = ranked[0]
    chosen = [best]
    for c in ranked[1:]:
        if len(chosen) == MAX_QUOTES or c.score < best.score - SECOND_GAP:
            break
        if (
            c.fit >= best.fit
            and _supported(asked, c.dense)
            and all(c.hit.passage.document_id != o.hit.passage.document_id for o in chosen)
        ):
            chosen.append(c)
    return chosen


def _candidates(searcher: Searcher, asked: Question, hits: list[Hit]) -> list[_Candidate]:
    if not hits:
        return []
    per_hit = [sentence_spans(hit.passage.text) for hit in hits]
    cosines = _sentence_cosines(
        searcher,
        asked.text,
        [hit.passage.text[s:e] for hit, spans in zip(hits, per_hit, strict=True) for s, e in spans],
    )
    found = []
    offset = 0  # of the hit's first sentence in `cosines`
    for rank, (hit, spans) in enumerate(zip(hits, per_hit, strict=True)):
        text = hit.passage.text
        for first, last in _groups(text, spans):
            start, end = spans[first][0], spans[last][1]
            if (label := _LABEL.match(text, start, end)) and label.end() < end:
                start = label.end()
            lead = text[start : spans[first][1]].lower()  # a list is about what its lead-in says
            found.append(
                _Candidate(
                    hit,
                    rank,
                    start,
                    end,
                    share=asked.share(lead),
                    phrase=asked.phrase_share(lead),
                    dense=float(cosines[offset + first]),
                    fit=fit(asked, text[start:end], is_list=last > first),
                )
            )
        offset += len(spans)
    return found


def _groups(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last) sentence indices of each candidate quote: a sentence, or a lead-in with the list
    items that follow it (…的手续是：A；B；C。 or …原则：（一）…（二）…). A lead-in never stands alone:
    「手续是：A；」 without B and C would misquote the rule."""
    groups = []
    for i, (start, end) in enumerate(spans):
        last = i
        if "：" in text[start:end] and text[start:end].endswith(_OPENS_LIST):
            while last + 1 < len(spans) and (
                text[spans[last][0] : spans[last][1]].endswith(_OPENS_LIST)
                or _ITEM.match(text, spans[last + 1][0])
            ):
                last += 1
            if last == i:  # the items are in the next part of a split article
                continue
        groups.append((i, last))
    return groups


def _sentence_cosines(searcher: Searcher, question: str, sentences: list[str]) -> np.ndarray:
    """Cosine of the question with each sentence. Building the index embedded every sentence unit into
    the data folder's embedding cache, so this reads vectors and embeds only the question (embedding
    thirty sentences instead would take most of a second on two cores)."""
    cache = EmbeddingCache(embedding_cache_path(data_dir_of(searcher.generation)))
    try:
        vectors = cache.embed(searcher.embedder.model_id, sentences, searcher.embedder.embed_passages)
    finally:
        cache.close()
    return vectors @ searcher.embedder.embed_queries([question])[0]
