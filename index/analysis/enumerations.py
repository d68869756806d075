"""Counted enumerations: 「四个…」 asked, 「政治合格、执行纪律合格、品德合格、发挥作用合格」 found.

Party texts love numbered slogans (两个维护, 五个学, 四个服从); members ask for them by their
count. A run of parallel items joined by 、 that share a first or last character is such an
enumeration; a query naming a count (四个…, 五个…, 3个…) prefers passages holding an
enumeration of exactly that many items. A text may also list the items and then name them with
their count (统一战线，武装斗争，党的建设，是…三个法宝): that answers 「三大法宝是哪三个」 too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from index.analysis.tokenize import tokenize

_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# A count asked for: 四个, 三大, 四点, 哪四种, 六项 (一个 counts nothing, nor the 十大 of 二十大, nor a
# period: 两个月, 三个工作日). The same count and measure words find the counted thing in a text.
_NOT_WITHIN_A_NUMBER = r"(?<![一二两三四五六七八九十百\d])"
_MEASURES = "大|点|项|种|条|类"  # and 个
_COUNT = re.compile(
    rf"{_NOT_WITHIN_A_NUMBER}([两二三四五六七八九十]|\d{{1,2}})(?:个(?!月|工作日|小时)|{_MEASURES})"
)
# Items: short runs of CJK characters (quotes allowed) separated by 、, or longer parallel clauses
# separated by ； or ， (始终坚定…；始终强化…；始终筑牢…).
_ITEMS = ("、", re.compile(r"[“”\u4e00-\u9fff]{1,12}(?:、[“”\u4e00-\u9fff]{1,12})+"))
_CLAUSES = tuple(
    (separator, re.compile(rf"[“”\u4e00-\u9fff]{{2,24}}(?:{separator}[“”\u4e00-\u9fff]{{2,24}})+"))
    for separator in "；，"
)
_LAST_JOINED = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:和|及|以及|与)(?=[\u4e00-\u9fff]{2})")
MIN_ITEMS = 3  # two items joined by 、 are too common to signal a slogan
MAX_ITEMS = 12
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")  # what a count counts: a word, not 是 or 的


def _count(number: str) -> int:
    return int(number) if number.isdigit() else _DIGITS[number]


def query_count(query: str) -> int | None:
    match = _COUNT.search(query)
    return None if match is None else _count(match.group(1))


_SENTENCE_END = "。！？!?\n"  # not ；: items joined by ； are one sentence's list
_LISTING = re.compile(r"[、，,；;]")


@dataclass(frozen=True, slots=True)
class CountedName:
    """The thing a counted question counts, as a text names it with that count in any measure word
    (三大法宝 → 三个法宝, 三个主要的法宝, 3大法宝)."""

    size: int
    pattern: re.Pattern[str]

    def listed_in(self, text: str) -> bool:
        """Whether `text` names it where it lists the items too: in a sentence with room for `size` of
        them (A，B，C，是…三个法宝) or before a colon (三个法宝：…). A passing mention (坚持三大法宝) does not
        answer which they are."""
        for match in self.pattern.finditer(text):
            start = max(text.rfind(end, 0, match.start()) for end in _SENTENCE_END) + 1
            ends = [at for at in (text.find(end, match.end()) for end in _SENTENCE_END) if at >= 0]
            sentence = text[start : min(ends, default=len(text))]
            if len(_LISTING.findall(sentence)) >= self.size - 1 or text.startswith(("：", ":"), match.end()):
                return True
        return False


def counted_name(query: str) -> CountedName | None:
    """What the query's count counts (三大法宝 → 法宝), or None where it names no count or no word
    follows the count (哪四种)."""
    match = _COUNT.search(query)
    if match is None:
        return None
    after = query[match.end() :]
    words = [w for w in tokenize(after) if _WORD.fullmatch(w)]
    if not words or not after.startswith(words[0]):
        return None
    size = _count(match.group(1))
    forms = "|".join([str(size), *(c for c, v in _DIGITS.items() if v == size)])  # 两 and 二 alike
    return CountedName(
        size,
        re.compile(
            rf"{_NOT_WITHIN_A_NUMBER}(?:{forms})(?:个|{_MEASURES})[\u4e00-\u9fff]{{0,4}}?{re.escape(words[0])}"
        ),
    )


def _shared(items: list[str]) -> str:
    """The character all items share at their end (…合格、…合格) or start (有主题、有主讲), or "".

    The items inside the run decide; the first item may carry the words leading into the list
    (开展“有主题) and the last the words after it (有收获”的主题党日活动), so they only have to
    contain that character.
    """
    inner = items[1:-1] if len(items) > 2 else items
    if len({i[-1] for i in inner}) == 1 and all(inner[0][-1] in i for i in (items[0], items[-1])):
        return inner[0][-1]
    if len({i[0] for i in inner}) == 1 and all(inner[0][0] in i for i in (items[0], items[-1])):
        return inner[0][0]
    return ""


def runs(text: str, *, clauses: bool = False) -> Iterator[list[tuple[int, int]]]:
    """The item spans, quotes left out, of each run of items joined by 、 in `text` (with `clauses`,
    of clauses joined by ； or ， too). The first item may carry the words leading into the run and the
    last the words after it; a last item joined by 和 (党员大会、党小组会和上党课) is two."""
    for separator, run in (_ITEMS, *_CLAUSES) if clauses else (_ITEMS,):
        for match in run.finditer(text):
            spans, at = [], match.start()
            for part in match.group(0).split(separator):
                start, end = at + len(part) - len(part.lstrip("“”")), at + len(part.rstrip("“”"))
                if start < end:
                    spans.append((start, end))
                at += len(part) + 1
            if separator == "、" and spans and (joined := _LAST_JOINED.search(text, *spans[-1])):
                spans[-1:] = [(spans[-1][0], joined.start()), (joined.end(), spans[-1][1])]
            yield spans


def enumerations(text: str, *, unshared: bool = False) -> set[tuple[int, str]]:
    """(size, shared character) of each parallel enumeration in `text`; with `unshared`, also of runs
    whose items share no character ("" then)."""
    found = set()
    for spans in runs(text, clauses=True):
        items = [text[a:b] for a, b in spans]
        if MIN_ITEMS <= len(items) <= MAX_ITEMS and ((shared := _shared(items)) or unshared):
            found.add((len(items), shared))
    return found


def enumeration_match(count: int, query: str, found: set[tuple[int, str]]) -> float:
    """1 for an enumeration of the asked size whose shared character the query uses (四个…合格),
    0.5 for the right size alone, else 0."""
    sizes = [shared for size, shared in found if size == count]
    if not sizes:
        return 0.0
    return 1.0 if any(shared and shared in query for shared in sizes) else 0.5
