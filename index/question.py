"""What a question asks for: its words weighted by rarity, and the kind of sentence that answers it.

A member asking 「哪些」 wants the enumeration, 「多久」 the sentence with the period in it,
「能不能」 the rule that permits or forbids. The cues are question words and sentence words,
never topics, so they carry over to questions we have not seen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from index.bm25 import Bm25
from index.enumerations import enumeration_match, enumerations, query_count
from index.tokenize import key_terms, query_terms, synonyms


class Want(Enum):
    LIST = "list"
    QUANTITY = "quantity"
    TIME = "time"
    RULE = "rule"
    FACT = "fact"


# Question words by the kind of sentence they ask for, checked in this order: 哪几 and 几个方面 ask for
# a list before 几 asks for a number. They carry the intent, not the topic, so they are no query terms:
# 「哪些内容」 must not favour a sentence saying 内容丰富.
_CUES = (
    (
        Want.LIST,
        re.compile(r"哪些(?:内容|方面)?|哪几(?:个|项|种)?(?:方面)?|包括|包含|什么内容|几个方面|几项"),
    ),
    (Want.TIME, re.compile(r"什么时候|何时|哪一?天|哪一?年")),
    (Want.QUANTITY, re.compile(r"多久|多长(?:时间)?|多少|几")),
    (Want.RULE, re.compile(r"能不能|能否|可不可以|可以|是否|要不要|需不需要|必须|允许|有没有|吗[？?]?$")),
)
# A count or a period: 3年, 一至两名, 六个月, 每年, 1次.
_NUMBER = re.compile(
    r"\d|[一二两三四五六七八九十百半]+(?:年|个|月|日|天|周|次|名|人|届|倍|至)|每(?:年|月|季度|半年|周|届)"
)
# A point in time: 自通过之日起, 预备期满, 在作出决定之前.
_WHEN = re.compile(r"之日|之时|期满|届满|[以之]前|[以之]后")
_RULE = re.compile(r"不得|不能|不准|不予|不再|严禁|禁止|必须|应当|可以|允许|无权|有权|没有")
_ITEMS = re.compile(r"、[^，,。；：、]*、")  # three items or more within one clause read as a list
_RUN = re.compile(
    r"[^，,。；：、“”‘’《》]+(?:、[^，,。；：、“”‘’《》]+)+"
)  # items joined by 、 within a clause
CUE = 0.2  # a sentence of the wanted kind; a list of exactly the counted size (四个…合格) scores 1


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    want: Want
    weights: dict[str, float]  # query term -> its weight times its rarity (idf) in the corpus
    # Share of the weight in words the corpus uses at all: a question about 年假 or 所得税 is not
    # about these documents, however close some sentence comes to it in meaning.
    known: float
    phrases: dict[str, float]  # adjacent key words as typed (参加组织生活) -> their summed weight
    words: tuple[str, ...] = ()  # the topic's key words (主题党日)

    def phrase_share(self, text: str) -> float:
        """Share of the question's word pairs that `text` holds in the same order, side by side."""
        return _share(self.phrases, text)

    def share(self, text: str) -> float:
        """Share of the question's weight in terms that occur in `text` (lower-cased)."""
        return _share(self.weights, text)


def _share(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in text) / total if total else 0.0


def analyse(question: str, body: Bm25) -> Question:
    """Weight each query term by its idf in `body` (BM25's formula); a word the corpus never uses
    gets the highest idf, so a question about something else keeps most of its weight unmatched."""
    want = next((kind for kind, cue in _CUES if cue.search(question)), Want.FACT)
    if want is not Want.LIST and query_count(question) is not None:
        want = Want.LIST
    topic = question
    for _, cue in _CUES:
        topic = cue.sub(" ", topic)  # a space, so that the words around a cue do not merge into one
    weights, known = {}, 0.0
    for term, weight in query_terms(topic).items():
        col = body.vocab.get(term)
        if col is None and term not in topic.lower():
            continue  # an expansion the documents do not use: no evidence either way
        df = 0 if col is None else body.matrix[:, col].nnz
        weights[term] = weight * math.log1p((body.n_docs - df + 0.5) / (df + 0.5))
        # A colloquial form with a known wording (交党费 → 交纳党费) is the members' word for a topic here.
        known += weights[term] if col is not None or term in synonyms() else 0.0
    total = sum(weights.values())
    words = key_terms(topic)
    phrases = {
        a + b: weights.get(a, 0.0) + weights.get(b, 0.0) for a, b in pairwise(words) if a + b in topic.lower()
    }
    return Question(question, want, weights, known / total if total else 0.0, phrases, tuple(words))


def fit(question: Question, text: str, *, is_list: bool) -> float:
    """How well `text` is the kind of sentence the question wants, in [-1, 1].

    `is_list` marks a lead-in with its items; a counted question (四个…) wants a list of that size.
    """
    if question.want is Want.LIST:
        if _lists_the_topic(question.words, text):
            return -1.0  # it answers what the topic belongs to: a wrong answer, not a weak one
        if query_count(question.text) is not None:
            return enumeration_match(question.text, enumerations(text))
        return CUE if is_list or enumerations(text) or _ITEMS.search(text) else 0.0
    if question.want is Want.QUANTITY:
        return CUE if _NUMBER.search(text) else 0.0
    if question.want is Want.TIME:
        return CUE if _WHEN.search(text) or _NUMBER.search(text) else 0.0
    if question.want is Want.RULE:
        return CUE if _RULE.search(text) else 0.0
    return 0.0


def _lists_the_topic(words: tuple[str, ...], text: str) -> bool:
    """A list that has the asked-about thing as one of its items (…专题党课、主题党日等) names what it
    belongs to, not what it contains: it does not answer 「主题党日包括哪些内容」."""
    specific = [w for w in words if len(w) >= 3]  # 党员 is an item of many lists; 主题党日 is a topic
    return any(re.search(rf"、“?{re.escape(word)}|{re.escape(word)}”?、", text) for word in specific)
