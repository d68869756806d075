"""How well a sentence is the kind of sentence a question asks for (index.analysis.intent).

「多久」 wants the sentence with the period in it, 「能不能」 the rule that permits or forbids,
「哪些」 the list. Sentence words only, never topics, so the cues carry over to new questions.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from index.analysis.enumerations import enumeration_match, enumerations
from index.analysis.intent import PERCENT, Want
from index.retrieval.query import Query

# A count, a period or a share: 3年, 一至两名, 六个月, 每年, 1次, 三分之二.
_NUMBER = re.compile(
    r"\d|[一二两三四五六七八九十百半]+(?:年|个|月|日|天|周|次|名|人|届|倍|至)|每(?:年|月|季度|半年|周|届)|分之|半数"
)
# A point in time: 自通过之日起, 预备期满, 在作出决定之前.
_WHEN = re.compile(r"之日|之时|期满|届满|[以之]前|[以之]后")
# What befalls a member: 给予警告处分, 开除党籍, 依法追究刑事责任.
_PENALTY = re.compile(r"给予[^。；]{0,24}处分|开除党籍|撤销党内职务|留党察看|追究[^。；]{0,8}责任")
_RULE = re.compile(r"不得|不能|不准|不予|不再|严禁|禁止|必须|应当|可以|允许|无权|有权|没有")
_ITEMS = re.compile(r"、[^，,。；：、]*、")  # three items or more within one clause read as a list
CUE = 0.2  # a sentence of the wanted kind; a list of exactly the counted size (四个…合格) scores 1
# A list said of the topic itself (“有主题、有主讲…”的主题党日, 主题党日包括：A、B…), a number with the
# unit asked for (几年 → 二年内).
ATTACHED = 0.4
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def fit(question: Query, text: str, *, is_list: bool, found: set[tuple[int, str]] | None = None) -> float:
    """How well `text` is the kind of sentence the question wants, in [-1, 1].

    `is_list` marks a lead-in with its items; a counted question (四个…) wants a list of that size.
    `found` are the text's enumerations where the caller has them already.
    """
    if question.want is Want.LIST:
        if _lists_the_topic(question.words, text):
            return -1.0  # it answers what the topic belongs to: a wrong answer, not a weak one
        # A quote's own run of the asked size answers a counted question even when its items share no
        # character (理论学习有收获、思想政治受洗礼…); in whole passages (`found`) such runs are too common.
        # A，B，C，是…三个法宝: the items named under the count asked (a whole passage's naming is read by
        # the ranker's enumeration signal instead).
        if found is None and question.names_count(text):
            return 1.0
        found = enumerations(text, unshared=True) if found is None else found
        if question.count is not None:
            return enumeration_match(question.count, question.text, found)
        if _said_of_the_topic(question.words, text):
            return ATTACHED
        return CUE if is_list or found or _has_cue(_ITEMS, text) else 0.0
    if question.want in (Want.QUANTITY, Want.TIME) and _number_in(question.units, text):
        return ATTACHED  # the number with the unit asked for: 几年 → 二年内, 多久 → 每半年
    if question.want is Want.QUANTITY:
        return CUE if has_number(text) else 0.0
    if question.want is Want.TIME:
        return CUE if _has_cue(_WHEN, text) or has_number(text) else 0.0
    if question.want is Want.PENALTY:
        return CUE if _has_cue(_PENALTY, text) else 0.0
    if question.want is Want.RULE:
        return CUE if _has_cue(_RULE, text) else 0.0
    return 0.0


def has_number(text: str) -> bool:
    """A count or a period: 3年, 一至两名, 六个月, 每年, 1次."""
    return _has_cue(_NUMBER, text)


def states_asked(question: Query, text: str) -> bool:
    """Whether `text` says what a quantity or time question asks for: a number in the unit asked (几年
    is not answered by 三个月), any number where no unit is asked, or a point in time (自通过之日起).
    Any text says what another question asks for."""
    if question.want not in (Want.QUANTITY, Want.TIME):
        return True
    number = _number_in(question.units, text) if question.units else has_number(text)
    return number or (question.want is Want.TIME and _has_cue(_WHEN, text))


@lru_cache(maxsize=1 << 14)
def _has_cue(cue: re.Pattern[str], text: str) -> bool:
    """Whether `text` holds the cue. Remembered: the same passages are candidates of query after query,
    and a passage's text (a str) keeps its hash, so looking it up again costs far less than a scan."""
    return cue.search(text) is not None


def _number_in(units: tuple[str, ...], text: str) -> bool:
    return bool(units) and _with_unit(units).search(text) is not None


_AMOUNT = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千半]+)(?:多|余)?[万亿]?(?:多|余)?"  # 43, 5.5万, 300多


# A share of a body's members: 三分之二以上, 半数, 过半数 (how many must agree).
_PROPORTION = r"[一二三四五六七八九十]+分之[一二三四五六七八九十]+|半数"


@cache
def _with_unit(units: tuple[str, ...]) -> re.Pattern[str]:
    """A number in one of `units` (二年, 3个月, 5.5万人, 八成 or 百分之八 for %, 三分之二 for 人) or a
    recurrence of one (每年, 每半年); compiled once per unit set, not per candidate sentence."""
    unit = "|".join(map(re.escape, units))
    forms = [rf"{_AMOUNT}\s*(?:{unit})", rf"每(?:{unit}|季度|半年)"]
    if PERCENT in units:
        forms.append(rf"{_AMOUNT}\s*[％成]|百分之|{_PROPORTION}")
    if "人" in units:
        forms.append(_PROPORTION)
    return re.compile("|".join(forms))


def _lists_the_topic(words: tuple[str, ...], text: str) -> bool:
    """A list that has the asked-about thing as one of its items (…专题党课、主题党日等) names what it
    belongs to, not what it contains: it does not answer 「主题党日包括哪些内容」."""
    item = _as_item(words)
    return item is not None and item.search(text) is not None


@lru_cache(maxsize=256)
def _as_item(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One of the specific words as an item of a list, compiled once per question, not per candidate."""
    specific = [re.escape(w) for w in words if len(w) >= 3]  # 党员 is an item of many lists; 主题党日 a topic
    if not specific:
        return None
    either = "|".join(specific)
    return re.compile(rf"、“?(?:{either})|(?:{either})”?、")


def _said_of_the_topic(words: tuple[str, ...], text: str) -> bool:
    """A list of three or more items in the same sentence as the topic word (which is not one of the
    items: _lists_the_topic comes first): it says what the topic holds, where a list in the sentence
    before is only beside it."""
    return any(
        part.count("、") >= 2 and any(word in part for word in words) for part in _SENTENCE_END.split(text)
    )
