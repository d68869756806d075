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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.model import Document

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


def shingles(text: str) -> np.ndarray:
    """The kept shingles of a text's characters (letters, digits, CJK), as stable hashes, sorted."""
    chars = "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())
    kept = set()
    for i in range(len(chars) - SHINGLE_CHARS + 1):
        code = zlib.crc32(chars[i : i + SHINGLE_CHARS].encode())
        if code % SAMPLE == 0:
            kept.add(code)
    return np.array(sorted(kept), dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class PassageText:
    """What reprint detection reads of a passage."""

    id: str
    document_id: str
    text: str
    authority: int


def passage_texts(documents: Sequence[Document]) -> list[PassageText]:
    """The passages of `documents`, in order, as reprint detection reads them."""
    texts = []
    for doc in documents:
        rank = authority(doc)
        texts.extend(PassageText(p.id, doc.id, p.text, rank) for p in doc.passages)
    return texts


@dataclass(frozen=True, slots=True)
class Judged:
    """What one run of reprint detection looked at and found, for the next run to start from."""

    passages: dict[str, tuple[str, int, np.ndarray]]  # ID → (text, authority, kept shingles, sorted)
    found: dict[str, tuple[str, ...]]  # reprint passage ID → its canonical passages, best first


class _Postings:
    """Which rows hold each shingle: all (code, row) pairs sorted by code, looked up by binary search."""

    def __init__(self, sets: list[np.ndarray]) -> None:
        lengths = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
        codes = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint32)
        order = np.argsort(codes, kind="stable")  # stable: each posting's rows stay ascending
        self.codes = codes[order]
        self.rows = np.repeat(np.arange(len(sets), dtype=np.int64), lengths)[order]

    def sizes(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each code's posting starts, and how many rows it has."""
        start = np.searchsorted(self.codes, codes, side="left")
        return start, np.searchsorted(self.codes, codes, side="right") - start

    def rows_of(self, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """The rows of the postings at `starts` with `sizes`, one after the other."""
        offsets = np.cumsum(sizes) - sizes
        return self.rows[np.arange(int(sizes.sum())) - np.repeat(offsets - starts, sizes)]


def find_reprints(texts: Sequence[PassageText], previous: Judged | None = None) -> Judged:
    """Passage ID → the passages of more authoritative documents whose text it reprints, best first.

    `texts` are the passages in ingest order; between documents of equal authority the earlier one
    is the source, so of two copies of a page the first one ingested is cited. Passages of
    one document never reprint each other: a regulation's formulaic articles differ in the
    one word that matters (违反群众纪律 / 违反廉洁纪律).

    With `previous` (the last run, on passages in the same order with some added, removed or
    changed) only the passages whose verdict can differ are judged again: the changed ones, and
    those sharing a shingle with a changed one that counts (in at most COMMON passages before or
    after). Every other passage's postings are as they were, so its verdict is too.
    """
    # Rows are in (document, passage) order, so a row's rank is its authority and then its row.
    authorities = np.array([t.authority for t in texts], dtype=np.int64)
    document_of = {doc_id: i for i, doc_id in enumerate(dict.fromkeys(t.document_id for t in texts))}
    documents = np.array([document_of[t.document_id] for t in texts], dtype=np.int64)
    before = previous.passages if previous is not None else {}
    sets: list[np.ndarray] = []
    fresh: list[int] = []
    for row, passage in enumerate(texts):
        was = before.get(passage.id)
        if was is not None and was[0] == passage.text and was[1] == passage.authority:
            sets.append(was[2])
        else:
            sets.append(shingles(passage.text))
            fresh.append(row)
    postings = _Postings(sets)
    judge = _to_judge(texts, sets, fresh, postings, before) if previous is not None else range(len(sets))
    found = {} if previous is None else dict(previous.found)
    for row in judge:
        found.pop(texts[row].id, None)
        kept = sets[row]
        if len(kept) < MIN_SHINGLES:
            continue
        starts, sizes = postings.sizes(kept)
        counting = sizes <= COMMON
        others = postings.rows_of(starts[counting], sizes[counting])
        rank, mine = authorities[row], documents[row]
        earlier = (authorities[others] < rank) | ((authorities[others] == rank) & (others < row))
        shared, times = np.unique(others[earlier & (documents[others] != mine)], return_counts=True)
        most = np.argsort(-times, kind="stable")  # most shared first, the earlier row among equals
        candidates = [int(q) for q in shared[most][times[most] >= PART * len(kept)]]
        sources = _cover(kept, candidates, sets)
        if sources and sum(len(sets[q]) for q in sources) <= LARGER * len(kept):
            found[texts[row].id] = tuple(texts[q].id for q in sources)
    present = {t.id for t in texts}
    return Judged(
        {t.id: (t.text, t.authority, kept) for t, kept in zip(texts, sets, strict=True)},
        {pid: sources for pid, sources in found.items() if pid in present},
    )


def _to_judge(
    texts: Sequence[PassageText],
    sets: list[np.ndarray],
    fresh: list[int],
    postings: _Postings,
    before: dict[str, tuple[str, int, np.ndarray]],
) -> set[int]:
    """The rows whose verdict a change can reach: the changed rows, and the rows holding a shingle whose
    posting changed while it counted (in at most COMMON passages, before or after the change)."""
    kept_ids = {t.id for t in texts} - {texts[row].id for row in fresh}
    gone = [codes for pid, (_, _, codes) in before.items() if pid not in kept_ids]
    added, n_added = _counted([sets[row] for row in fresh])
    removed, n_removed = _counted(gone)
    changed = np.union1d(added, removed)
    starts, now = postings.sizes(changed)
    then = now - _lookup(added, n_added, changed) + _lookup(removed, n_removed, changed)
    counted = np.minimum(now, then) <= COMMON
    return set(fresh) | set(postings.rows_of(starts[counted], now[counted]).tolist())


def _counted(sets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes of `sets` and in how many of them each is."""
    if not sets:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(sets), return_counts=True)


def _lookup(codes: np.ndarray, counts: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """counts[code] for each wanted code, 0 where `codes` (sorted) lacks it."""
    at = np.searchsorted(codes, wanted)
    hit = at < len(codes)
    hit[hit] = codes[at[hit]] == wanted[hit]
    found = np.zeros(len(wanted), dtype=np.int64)
    found[hit] = counts[at[hit]]
    return found


def _cover(kept: np.ndarray, candidates: list[int], sets: list[np.ndarray]) -> list[int]:
    """The candidates, most shared first, until together they hold COVERED of `kept`; [] if they never do."""
    chosen: list[int] = []
    covered: set[int] = set()
    mine = set(kept.tolist())
    for q in candidates:
        gain = (mine.intersection(sets[q].tolist())) - covered
        if not gain:
            continue
        chosen.append(q)
        covered |= gain
        if len(covered) >= COVERED * len(kept):
            return chosen
    return []
