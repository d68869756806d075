"""Passages that reprint another document's text: a weekly study page that carries the Party
Constitution's articles, two saved copies of one speech.

A result list shows such a text once, from the most authoritative document that holds it
(the regulation itself rather than the page that reprints it), and names the others (另见).
Texts are compared on their characters alone (NFKC, without whitespace and punctuation), as
sets of overlapping character shingles, of which a fixed hash-chosen share is kept so the
cost stays small at any size. A passage is a reprint when passages of more authoritative
documents hold together nearly all of its shingles, each of them a good part: so a page's
passage that joins two articles is a reprint of both, while a passage that only quotes a
phrase of an article is not.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.model import Document, Passage

SHINGLE_CHARS = 6
SAMPLE = 3  # keep the shingles whose hash is 0 modulo SAMPLE
COMMON = 64  # a shingle in more passages than this is a formula (习近平新时代中国特色…), not evidence
MIN_SHINGLES = 3  # a passage shorter than this many kept shingles is too short to judge
COVERED = 0.85  # share of a passage's shingles its canonical passages must hold together
PART = 0.15  # share each canonical passage must hold on its own (a page's passage may join 5 articles)
LARGER = 1.5  # the canonical passages together at most this much longer: a line quoted in a long
# passage (资料来源：…) is no reprint of it, and showing that passage instead would lose the line

# Lower is more authoritative: the Constitution, regulations, decisions and notices, plans, the rest.
_TYPE_RANK = {
    "章程": 0,
    **dict.fromkeys(("条例", "准则", "规定", "细则", "办法", "规则"), 1),
    **dict.fromkeys(("决定", "决议", "意见", "通知", "纲要", "规划"), 2),
    **dict.fromkeys(("工作要点", "要点", "计划", "方案", "制度", "守则"), 3),
}
_UNTYPED = 4
_PAGE = 10  # a saved web page comes after every other document, whatever its title says


def authority(document: Document) -> int:
    """How authoritative a document is as the source of a text it shares: lower is more."""
    return authority_of(document.meta.doc_type, document.format)


def authority_of(doc_type: str, file_format: str) -> int:
    return _TYPE_RANK.get(doc_type, _UNTYPED) + (_PAGE if file_format == "html" else 0)


def shingles(text: str) -> frozenset[int]:
    """The kept shingles of a text's characters (letters, digits, CJK), as stable hashes."""
    chars = "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())
    kept = set()
    for i in range(len(chars) - SHINGLE_CHARS + 1):
        code = zlib.crc32(chars[i : i + SHINGLE_CHARS].encode())
        if code % SAMPLE == 0:
            kept.add(code)
    return frozenset(kept)


@dataclass(frozen=True, slots=True)
class Judged:
    """What one run of reprint detection looked at and found, for the next run to start from."""

    passages: dict[str, tuple[str, int, frozenset[int]]]  # ID → (text, authority, kept shingles)
    found: dict[str, tuple[str, ...]]  # reprint passage ID → its canonical passages, best first


def find_reprints(documents: Sequence[Document], previous: Judged | None = None) -> Judged:
    """Passage ID → the passages of more authoritative documents whose text it reprints, best first.

    `documents` are in ingest order; between documents of equal authority the earlier one
    is the source, so of two copies of a page the first one ingested is cited. Passages of
    one document never reprint each other: a regulation's formulaic articles differ in the
    one word that matters (违反群众纪律 / 违反廉洁纪律).

    With `previous` (the last run, on documents in the same order with some added, removed or
    changed) only the passages whose verdict can differ are judged again: the changed ones, and
    those sharing a shingle with a changed one that counts (in at most COMMON passages before or
    after). Every other passage's postings are as they were, so its verdict is too.
    """
    # Rows are in (document, passage) order, so a row's rank is its authority and then its row.
    authorities = [authority(doc) for doc in documents for _ in doc.passages]
    passages = [p for doc in documents for p in doc.passages]
    before = previous.passages if previous is not None else {}
    sets: list[frozenset[int]] = []
    fresh: list[int] = []
    for row, (passage, rank) in enumerate(zip(passages, authorities, strict=True)):
        was = before.get(passage.id)
        if was is not None and was[0] == passage.text and was[1] == rank:
            sets.append(was[2])
        else:
            sets.append(shingles(passage.text))
            fresh.append(row)
    postings: dict[int, list[int]] = defaultdict(list)
    for row, kept in enumerate(sets):
        for code in kept:
            postings[code].append(row)
    judge = _to_judge(passages, sets, fresh, postings, before) if previous is not None else range(len(sets))
    found = {} if previous is None else dict(previous.found)
    for row in judge:
        found.pop(passages[row].id, None)
        kept = sets[row]
        if len(kept) < MIN_SHINGLES:
            continue
        own, document = (authorities[row], row), passages[row].document_id
        shared: Counter[int] = Counter()
        for code in kept:
            posting = postings[code]
            if len(posting) <= COMMON:
                shared.update(
                    q for q in posting if (authorities[q], q) < own and passages[q].document_id != document
                )
        sources = _cover(kept, [(q, n) for q, n in shared.most_common() if n >= PART * len(kept)], sets)
        if sources and sum(len(sets[q]) for q in sources) <= LARGER * len(kept):
            found[passages[row].id] = tuple(passages[q].id for q in sources)
    present = {p.id for p in passages}
    return Judged(
        {p.id: (p.text, rank, kept) for p, rank, kept in zip(passages, authorities, sets, strict=True)},
        {pid: sources for pid, sources in found.items() if pid in present},
    )


def _to_judge(
    passages: list[Passage],
    sets: list[frozenset[int]],
    fresh: list[int],
    postings: dict[int, list[int]],
    before: dict[str, tuple[str, int, frozenset[int]]],
) -> set[int]:
    """The rows whose verdict a change can reach: the changed rows, and the rows holding a shingle whose
    posting changed while it counted (in at most COMMON passages, before or after the change)."""
    added: Counter[int] = Counter(code for row in fresh for code in sets[row])
    kept_ids = {passages[row].id for row in range(len(passages))} - {passages[row].id for row in fresh}
    removed: Counter[int] = Counter(
        code for pid, (_, _, codes) in before.items() if pid not in kept_ids for code in codes
    )
    rows = set(fresh)
    for code in added.keys() | removed.keys():
        now = len(postings.get(code, ()))
        if min(now, now - added[code] + removed[code]) <= COMMON:
            rows.update(postings.get(code, ()))
    return rows


def _cover(kept: frozenset[int], candidates: list[tuple[int, int]], sets: list[frozenset[int]]) -> list[int]:
    """The candidates, most shared first, until together they hold COVERED of `kept`; [] if they never do."""
    chosen: list[int] = []
    covered: set[int] = set()
    for q, _ in candidates:
        gain = (sets[q] & kept) - covered
        if not gain:
            continue
        chosen.append(q)
        covered |= gain
        if len(covered) >= COVERED * len(kept):
            return chosen
    return []
