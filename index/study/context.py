"""A passage in its context: the passages around it in its document and the heading it stands under."""

from __future__ import annotations

from index.retrieval.search import Searcher
from index.study.model import Context, Excerpt

MAX_AROUND = 20  # neighbours on either side one request may ask for


def excerpt(live: Searcher, row: int) -> Excerpt:
    passage = live.passages[row]
    return Excerpt(passage, live.titles[passage.document_id], live.doc_types[passage.document_id])


def context(live: Searcher, passage_id: str, before: int = 1, after: int = 1) -> Context | None:
    """The passage with up to `before` and `after` neighbours of the same document, in document order;
    None for an unknown passage."""
    row = live.row(passage_id)
    if row is None:
        return None
    passages = live.passages  # in document order, one document after the other
    doc_id = passages[row].document_id
    first, last = row, row
    while first > 0 and row - first < min(before, MAX_AROUND) and passages[first - 1].document_id == doc_id:
        first -= 1
    while (
        last + 1 < len(passages)
        and last - row < min(after, MAX_AROUND)
        and passages[last + 1].document_id == doc_id
    ):
        last += 1
    return Context(
        excerpt(live, row),
        tuple(passages[first:row]),
        tuple(passages[row + 1 : last + 1]),
        " ".join(passages[row].heading_path),
    )
