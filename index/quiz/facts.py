"""The facts a quiz can ask about, found in a sentence of a passage: pure functions over text.

A quiz question blanks a meaningful unit, never an arbitrary run of characters: an item of an
enumeration, a number with its unit, a period (每季度), the body that decides or approves (党支部),
a defined term (从轻处分，是指…). Each fact keeps its offsets in the passage, so the quote that proves
the answer is always passage.text[start:end].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.analysis.enumerations import runs
from index.analysis.units import sentence_spans

FACT_KINDS = ("item", "number", "period", "body", "term")

_NUM = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+|半)"
_UNIT = r"(?:个月|个工作日|工作日|周岁|小时|年|天|日|周|次|名|人|岁|倍|元|%|种|项)"
_NUMBER = re.compile(rf"(?<![\d零一二两三四五六七八九十百千第每])({_NUM})({_UNIT})(?!度)")
_PERIOD = re.compile(r"每(?:半年|季度|两年|三年|五年|年|月|周)")
_BODY = re.compile(
    r"(?<=[由经报向])过?([\u4e00-\u9fff（）]{0,12}?(?:党委|党组|党支部|支部大会|党员大会|代表大会|委员会|纪委|"
    r"组织部门|党组织))(?=审批|批准|讨论|决定|负责|备案|审查|同意|研究|通过|任命|选举)"
)
_TERM = re.compile(r"^(?:本[\u4e00-\u9fff]{1,4}所称)?([\u4e00-\u9fff]{2,10})，?(?:是指|指的是)")
_LABEL = re.compile(r"^第[一二三四五六七八九十百零]+条[\s\u3000]*")  # 第八条　 before an article's text
_LIST_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_DATE_DAY = re.compile(r"月$")
_JOINER = ("或者", "或", "和", "及", "以及", "并", "与", "对", "等")  # an item starting so is a clause's tail
_CLAUSE = ("或者", "以及", "并且", "或")  # an item holding these is two clauses, not one term

MIN_SENTENCE = 12  # shorter sentences are headings or fragments, not statements to test
MAX_SENTENCE = 160  # a longer one makes an unreadable question
MAX_ITEM = 12  # a list item longer than this is a clause, not a term to recall
MIN_LIST = 3


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str  # one of FACT_KINDS
    start: int  # offsets within the passage text
    end: int
    text: str
    unit: str = ""  # a number's unit (个月, 年); a list's shared last character for an item
    siblings: tuple[str, ...] = ()  # the other items of its enumeration (never distractors)


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence (or a lead-in with its list items) that a quiz item quotes, with its facts."""

    start: int  # offsets within the passage text, the article's label (第八条) left out
    end: int
    facts: tuple[Fact, ...]


def statements(text: str) -> list[Statement]:
    """The quotable statements of a passage's text with the facts in each."""
    spans = [_unlabelled(text, a, b) for a, b in sentence_spans(text)]
    found: list[Statement] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        items = _list_after(text, spans, i)
        if items:  # 种类：（一）警告；（二）严重警告；… quoted as one statement
            found.append(Statement(start, spans[i + len(items)][1], tuple(_list_facts(text, items))))
            i += len(items) + 1
            continue
        if MIN_SENTENCE <= end - start <= MAX_SENTENCE:
            facts = facts_in(text, start, end)
            if facts:
                found.append(Statement(start, end, facts))
        i += 1
    return found


def facts_in(text: str, start: int, end: int) -> tuple[Fact, ...]:
    """The facts of text[start:end], at most one per stretch of characters (a period before the number
    it contains: 每两年, not 两年)."""
    sentence = text[start:end]
    found: list[Fact] = []
    for spans in runs(sentence):
        found.extend(_items(sentence, spans, start))
    for match in _PERIOD.finditer(sentence):
        found.append(Fact("period", start + match.start(), start + match.end(), match.group(0)))
    for match in _NUMBER.finditer(sentence):
        number, unit = match.groups()
        if (
            (len(number) == 4 and unit == "年")
            or (unit == "日" and _DATE_DAY.search(sentence[: match.start()]))
            or number in ("百", "千")
        ):
            continue  # a date or a figure of speech (百年奋斗), not a quantity
        found.append(Fact("number", start + match.start(), start + match.end(), match.group(0), unit))
    for match in _BODY.finditer(sentence):
        found.append(Fact("body", start + match.start(1), start + match.end(1), match.group(1)))
    for match in _TERM.finditer(sentence):
        found.append(Fact("term", start + match.start(1), start + match.end(1), match.group(1)))
    kept: list[Fact] = []
    for fact in found:  # the order above is the preference where facts overlap
        if all(fact.end <= k.start or fact.start >= k.end for k in kept):
            kept.append(fact)
    return tuple(sorted(kept, key=lambda f: f.start))


def _unlabelled(text: str, start: int, end: int) -> tuple[int, int]:
    label = _LABEL.match(text, start, end)
    return (label.end(), end) if label else (start, end)


def _list_after(text: str, spans: list[tuple[int, int]], i: int) -> list[tuple[int, int]]:
    """The short list items (（一）警告；) that follow a lead-in ending in ：, or []."""
    if not text[spans[i][0] : spans[i][1]].endswith(("：", ":")):
        return []
    items = []
    for start, end in spans[i + 1 :]:
        marker = _LIST_ITEM.match(text, start, end)
        if marker is None or end - marker.end() - 1 > MAX_ITEM:
            break
        items.append((start, end))
    return items if len(items) >= MIN_LIST else []


def _list_facts(text: str, items: list[tuple[int, int]]) -> list[Fact]:
    """Each item of a 「（一）…；」 list, its marker and closing punctuation left out."""
    spans = []
    for start, end in items:
        marker = _LIST_ITEM.match(text, start, end)
        assert marker is not None
        body_end = end - 1 if text[end - 1] in "；;。，," else end
        spans.append((marker.end(), body_end))
    names = tuple(text[a:b] for a, b in spans)
    return [
        Fact("item", a, b, text[a:b], text[b - 1], tuple(n for n in names if n != text[a:b]))
        for a, b in spans
        if b - a >= 2
    ]


def _items(sentence: str, spans: list[tuple[int, int]], offset: int) -> list[Fact]:
    """The items of a 、 run that stand alone: an outer item carrying the words around the run
    (坚持“有主题 …有收获”的主题党日) is cut at its quote, else left out when longer than the inner ones."""
    if len(spans) < MIN_LIST:
        return []
    spans = list(spans)
    first, last = spans[0], spans[-1]
    if "“" in sentence[first[0] : first[1]]:
        spans[0] = (sentence.rindex("“", *first) + 1, first[1])
    if "”" in sentence[last[0] : last[1]]:
        spans[-1] = (last[0], sentence.index("”", *last))
    longest = max(b - a for a, b in spans[1:-1])
    names = tuple(sentence[a:b] for a, b in spans)
    facts = []
    for k, (a, b) in enumerate(spans):
        outer = k in (0, len(spans) - 1)
        name = sentence[a:b]
        if (
            b - a < 2
            or b - a > MAX_ITEM
            or (outer and b - a > longest)
            or name.startswith(_JOINER)
            or any(word in name for word in _CLAUSE)
            or "“" in name
            or "”" in name
        ):
            continue
        facts.append(
            Fact("item", offset + a, offset + b, name, name[-1], tuple(n for n in names if n != name))
        )
    return facts
