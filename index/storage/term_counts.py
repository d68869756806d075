"""The lexical index as the build stores it: each field's term counts per passage, one file per generation.

Start-up then reads the counts instead of tokenising and counting every passage again (at 100 times
the library that was 15 of its 23 seconds), and adding a document appends its rows to the previous
generation's counts instead of recounting the knowledge base. BM25 weights are not stored: they
depend on the whole collection (idf, average length), and numpy makes them from the counts in a
fraction of a second.

Fields: body (the passage's jieba tokens), heading (its document title and heading path, tokenised),
chars (overlapping character pairs of the text). Rows are passages in document order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from index.analysis.tokenize import bigrams, tokenize
from ingest.model import Passage

FIELDS = ("body", "heading", "chars")
_SEPARATOR = "\n"  # between stored terms: no token holds a line break (tokenize drops whitespace)


@dataclass(frozen=True, slots=True)
class TermCounts:
    """One field: how often each term occurs in each passage. Every term occurs somewhere."""

    counts: sparse.csr_matrix  # passages × terms, int32
    terms: list[str]  # column → term


def count_terms(docs: Iterable[Sequence[str]], known: Sequence[str] = ()) -> TermCounts:
    """Count the tokens of each doc; the columns of `known` terms come first, in their order, then the
    new terms in order of first appearance. No Python loop per token: map over dict.setdefault numbers
    each token in C (its first position; known terms get negative positions), numpy does the rest."""
    docs = list(docs)
    first: dict[str, int] = dict(zip(known, range(-len(known), 0), strict=True))
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    seen = np.fromiter(
        map(first.setdefault, itertools.chain.from_iterable(docs), itertools.count()),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    values, inverse = np.unique(seen, return_inverse=True)
    fresh = values >= 0  # new terms, in order of first appearance: `first` holds them in that order
    columns = np.where(fresh, len(known) + np.cumsum(fresh) - 1, values + len(known))
    n_terms = len(first)
    pairs, tf = np.unique(
        np.repeat(np.arange(len(docs), dtype=np.int64), lengths) * max(n_terms, 1) + columns[inverse.ravel()],
        return_counts=True,
    )
    counts = sparse.csr_matrix(
        (tf.astype(np.int32), (pairs // max(n_terms, 1), pairs % max(n_terms, 1))),
        shape=(len(docs), n_terms),
        dtype=np.int32,
    )
    return TermCounts(counts, list(first))


def appended(previous: TermCounts, keep: np.ndarray, docs: Iterable[Sequence[str]]) -> TermCounts:
    """`previous`'s rows where `keep` holds, then the counts of `docs`; terms no row holds any more
    are dropped (their columns closed up, order kept)."""
    new = count_terms(docs, previous.terms)
    kept = previous.counts[np.flatnonzero(keep)]
    kept.resize(kept.shape[0], len(new.terms))
    counts = sparse.vstack([kept, new.counts], format="csr", dtype=np.int32)
    used = np.bincount(counts.indices, minlength=counts.shape[1]) > 0
    if used.all():
        return TermCounts(counts, new.terms)
    column = np.cumsum(used) - 1  # monotone: each row's columns stay sorted
    counts = sparse.csr_matrix(
        (counts.data, column[counts.indices], counts.indptr), shape=(counts.shape[0], int(used.sum()))
    )
    return TermCounts(counts, list(itertools.compress(new.terms, used)))


def counted(
    passages: Sequence[Passage],
    titles: Mapping[str, str],
    body: Mapping[str, Sequence[str]],
    previous: tuple[Mapping[str, TermCounts], np.ndarray] | None = None,
) -> dict[str, TermCounts]:
    """Each field's term counts of `passages` (`body`: their jieba tokens by ID, `titles`: their
    documents' by ID); with `previous` (a generation's counts and which of its rows stay) those rows
    come first."""
    fields = _field_tokens(passages, titles, body)
    if previous is None:
        return {name: count_terms(fields[name]) for name in FIELDS}
    before, keep = previous
    return {name: appended(before[name], keep, fields[name]) for name in FIELDS}


def _field_tokens(
    passages: Sequence[Passage], titles: Mapping[str, str], body: Mapping[str, Sequence[str]]
) -> dict[str, list[Sequence[str]]]:
    """Each field's tokens per passage; `body` holds each passage's jieba tokens by ID."""
    parts: dict[str, list[str]] = {}  # a heading path is mostly unique, its parts are not: each once

    def tokens(part: str) -> list[str]:
        if part not in parts:
            parts[part] = tokenize(part)
        return parts[part]

    return {
        "body": [body[p.id] for p in passages],
        "heading": [
            [t for part in (titles[p.document_id], *p.heading_path) for t in tokens(part)] for p in passages
        ],
        "chars": [bigrams(p.text) for p in passages],
    }


def save(path: Path, fields: Mapping[str, TermCounts]) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, field in fields.items():
        joined = _SEPARATOR.join(field.terms)
        if joined.count(_SEPARATOR) != max(len(field.terms) - 1, 0):
            raise ValueError(f"a {name} term holds a line break")
        arrays |= {
            f"{name}.data": field.counts.data,
            f"{name}.indices": field.counts.indices,
            f"{name}.indptr": field.counts.indptr,
            f"{name}.terms": np.frombuffer(joined.encode(), dtype=np.uint8),
        }
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def load(path: Path) -> dict[str, TermCounts]:
    with np.load(path, allow_pickle=False) as stored:
        fields = {}
        for name in FIELDS:
            text = stored[f"{name}.terms"].tobytes().decode()
            terms = text.split(_SEPARATOR) if text else []
            indptr = stored[f"{name}.indptr"]
            counts = sparse.csr_matrix(
                (stored[f"{name}.data"], stored[f"{name}.indices"], indptr),
                shape=(len(indptr) - 1, len(terms)),
            )
            fields[name] = TermCounts(counts, terms)
        return fields
