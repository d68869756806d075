"""What kind of sentence a question asks for, from its question words alone.

A member asking 「哪些」 wants the enumeration, 「多久」 the sentence with the period in it,
「能不能」 the rule that permits or forbids. The cues are question words, never topics, so they
carry over to questions we have not seen.
"""

from __future__ import annotations

import re
from enum import Enum

from index.analysis.enumerations import query_count


class Want(Enum):
    LIST = "list"
    QUANTITY = "quantity"
    TIME = "time"
    RULE = "rule"
    PENALTY = "penalty"
    FACT = "fact"


# Question words by the kind of sentence they ask for, checked in this order: 哪几 and 几个方面 ask for
# a list before 几 asks for a number. They carry the intent, not the topic, so they are no query terms:
# 「哪些内容」 must not favour a sentence saying 内容丰富.
_CUES = (
    (
        Want.LIST,
        re.compile(r"哪些(?:内容|方面)?|哪几(?:个|项|种)?(?:方面)?|包括|包含|什么内容|几个方面|几项"),
    ),
    (Want.TIME, re.compile(r"什么时候|何时|哪一?天|哪一?年|(?<!段)时间|日期")),
    (Want.QUANTITY, re.compile(r"多久|多长(?:时间)?|多少|(?<!好)几(?!乎)")),  # 好几种 / 几乎 ask no number
    # What befalls a member who did something: 会怎么处理, 会怎样, 受什么处分 (not 能不能…不给处分).
    (
        Want.PENALTY,
        re.compile(
            r"(?:怎么|怎样|如何)(?:处理|处分|定处分)|会怎么?样|(?:什么|哪种|何种)处分|受处分|(?<!不)给处分"
        ),
    ),
    (Want.RULE, re.compile(r"能不能|能否|可不可以|可以|是否|要不要|需不需要|必须|允许|有没有|吗[？?]?$")),
)


# Asking where or who: a count in such a question names its topic (三大主力红军在哪儿会师), not a list.
_PLACE_OR_PERSON = re.compile(r"哪儿|哪里|在哪|什么地方|谁")


def want(question: str) -> Want:
    """The kind of sentence asked for. A counted question (四个…) wants a list, unless its question
    words ask for something else: a rule, a time, a number, a penalty (还能…吗, 什么时候), a place or a
    person (在哪儿, 谁)."""
    kind = next((kind for kind, cue in _CUES if cue.search(question)), Want.FACT)
    if kind is Want.FACT and query_count(question) is not None and not _PLACE_OR_PERSON.search(question):
        return Want.LIST
    return kind


_PERIODS = ("年", "个月", "月", "日", "天", "周", "小时", "届")  # 一届任期内 is a period too
# 几年 / 多少天 / 几次 / 百分之几: the unit a number in the answer carries.
_ASKED_UNIT = re.compile(
    r"(?:(?<!好)几|多少)(个月|个?工作日|年|月|天|日|周|次|名|人|届|岁|倍|小时|元|条|项|种|篇)|"
    r"(?P<percent>百分之(?:几|多少)|(?:几|多少)(?:%|％)|几成|比例[^，,。？?]{0,4}(?:多少|几))"
)
# The wordings of one unit: 多少天 is answered in 日 as often as in 天, 几个月 in 月. A year is not
# answered in months: 「几年党龄」 is not answered by a sentence on 三个月.
_WORDINGS = {
    "天": ("天", "日"),
    "日": ("日", "天"),
    "工作日": ("工作日", "日", "天"),
    "个工作日": ("工作日", "日", "天"),
    "个月": ("个月", "月"),
    "月": ("月", "个月"),
    "周": ("周", "星期"),
    "人": ("人", "名"),
    "名": ("名", "人"),
}
PERCENT = "%"  # the unit of 百分之几: 8%, 百分之八, 八成


def asked_units(question: str) -> tuple[str, ...]:
    """The units a number answering the question carries: 几年 → 年, 多少天 → 天 or 日, 百分之几 → %,
    多少条、多少项 → 条 or 项, 多久 / 多长时间 → any period."""
    units: list[str] = []
    for match in _ASKED_UNIT.finditer(question):
        if match.group("percent"):
            units.append(PERCENT)
        else:
            units.extend(_WORDINGS.get(match.group(1), (match.group(1),)))
    if not units and re.search(r"多久|多长时间", question):
        return _PERIODS
    return tuple(dict.fromkeys(units))


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


def asked_years(question: str) -> tuple[tuple[str, str], ...]:
    """Each year the question names, as digits and as the documents also write it (2035 → 二〇三五)."""
    return tuple((year, year.translate(_DIGITS)) for year in dict.fromkeys(_YEAR.findall(question)))


def topic(question: str) -> str:
    """The question without its question words; a space keeps the words around a cue apart."""
    for _, cue in _CUES:
        question = cue.sub(" ", question)
    return question


# A regulation named in a question: 问责条例, 党组工作条例, 纪律处分条例, 发展党员工作细则.
_NAMED = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:条例|准则|细则|办法|规则)")
_NAME_CORE = 4  # characters before 条例 that must match a title: 工作条例 alone names nothing


def unknown_regulations(question: str, titles: list[str]) -> list[str]:
    """The regulations a question names that are none of `titles`: a question about 问责条例 is not
    answered by the 纪律处分条例, however close its sentences come."""
    unknown = []
    for match in _NAMED.finditer(question):
        name = match.group()
        core = name[-(_NAME_CORE + 2) :]
        if not any(core in title for title in titles):
            unknown.append(name)
    return unknown
