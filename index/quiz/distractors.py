"""Wrong options of the same kind, drawn from the knowledge base: other periods or numbers with the
same unit for a number, items of other enumerations for an item, other bodies for a body, other
defined terms for a term. An option the source also makes true (another item of the same list, any
text the quote holds, the same number written otherwise: 两年 and 2年) is never offered.
"""

from __future__ import annotations

import random
import weakref
from collections import defaultdict
from collections.abc import Collection
from itertools import pairwise

from index.quiz.facts import Fact, statements
from index.retrieval.search import Searcher
from ingest.outline import parse_number

_DIGITS = frozenset("零〇一二两三四五六七八九")
_NUMERALS = "零一二三四五六七八九"
SHORTLIST = 8  # the closest candidates, of which the seed picks the options
SCALE = 5  # a wrong amount within this factor of the right one: 一百年 is no option for 两年
LENGTH_SLACK = 2  # characters an option may be longer or shorter than the answer: no giveaway by length
_pools: weakref.WeakKeyDictionary[Searcher, dict[tuple[str, str], list[str]]] = weakref.WeakKeyDictionary()


def value(number: str) -> float | None:
    """12, 十二, 两, 半 → their value; None for what is no plain number (三五年: a few years)."""
    if number == "半":
        return 0.5
    try:
        return float(number)
    except ValueError:
        pass
    if any(a in _DIGITS and b in _DIGITS for a, b in pairwise(number) if a not in "零〇"):
        return None
    return float(parse_number(number))


def written(amount: int, like: str) -> str:
    """`amount` written the way `like` writes its number: 3 or 三 (up to 99)."""
    if like[:1].isdigit():
        return str(amount)
    tens, ones = divmod(amount, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens] + "十")
    return head + (_NUMERALS[ones] if ones or not head else "")


def pool(live: Searcher) -> dict[tuple[str, str], list[str]]:
    """Every fact text of the knowledge base by (kind, unit), once each in document order; built once
    per generation."""
    found = _pools.get(live)
    if found is None:
        gathered: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        for passage in live.passages:
            for statement in statements(passage.text):
                for fact in statement.facts:
                    gathered[_kind_of(fact)][fact.text] = None
        found = _pools[live] = {key: list(texts) for key, texts in gathered.items()}
    return found


def distractors(
    live: Searcher, fact: Fact, quote: str, k: int, rng: random.Random, near: Collection[str] = ()
) -> list[str]:
    """Up to `k` wrong options for `fact`, none of which `quote` makes true. `near` are facts of the
    passages on the same topic: options from there are as plausible as the answer."""
    candidates = pool(live).get(_kind_of(fact), [])
    if fact.kind == "number":
        return _numbers(fact, candidates, quote, k, rng)
    wrong = [
        c
        for c in candidates
        if fact.text not in c  # 它的同级党的委员会 names the same body as 同级党的委员会
        and c not in fact.text
        and c not in quote
        and c not in fact.siblings
        and abs(len(c) - len(fact.text)) <= LENGTH_SLACK
    ]
    # The closest first: ending alike (…纪律, …处分, …党委) and from the topic's own passages, then of a
    # similar length.
    wrong.sort(
        key=lambda c: (-min(_common_tail(c, fact.text), 2) - (c in near), abs(len(c) - len(fact.text)), c)
    )
    shortlist = wrong[:SHORTLIST]
    return rng.sample(shortlist, min(k, len(shortlist)))


def _numbers(fact: Fact, candidates: list[str], quote: str, k: int, rng: random.Random) -> list[str]:
    """Other amounts with the same unit, from the knowledge base where it has them, else made by
    changing the amount (its neighbours, double, half)."""
    number = fact.text[: len(fact.text) - len(fact.unit)]
    amount = value(number)
    if amount is None:
        return []
    seen = {amount}
    wrong = []
    for candidate in candidates:
        other = value(candidate[: len(candidate) - len(fact.unit)])
        same_form = candidate[:1].isdigit() == number[:1].isdigit()
        plausible = other is not None and 1 / SCALE <= other / amount <= SCALE
        if plausible and other not in seen and same_form and candidate not in quote:
            seen.add(other)
            wrong.append(candidate)
    wrong.sort(key=lambda c: abs((value(c[: len(c) - len(fact.unit)]) or 0) - amount))
    picked = rng.sample(wrong[:SHORTLIST], min(k, len(wrong[:SHORTLIST])))
    if amount.is_integer():
        base = int(amount)
        for other in (base + 1, base * 2, base - 1, base + 2, base * 3):
            text = written(other, number) + fact.unit
            if len(picked) < k and 0 < other < 100 and other not in seen and text not in quote:
                seen.add(other)
                picked.append(text)
    return picked


def _kind_of(fact: Fact) -> tuple[str, str]:
    """What a wrong option must share with the answer: its kind, and for a number its unit."""
    return fact.kind, fact.unit if fact.kind == "number" else ""


def _common_tail(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n
