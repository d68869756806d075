from __future__ import annotations

import time

from fastapi import APIRouter, Response

from api.deps import MaybeSearcher
from api.errors import documented
from api.responses import as_json
from api.schemas import SearchRequest, SearchResponse, SearchResult
from index.model import Hit

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchResponse, summary="检索段落", responses=documented(400, 422))
def search(body: SearchRequest, live: MaybeSearcher) -> Response:
    started = time.perf_counter()
    query = body.query.strip()
    hits: list[Hit] = []
    if live is not None and query:
        documents = live.issued(body.documents, body.issuer, body.date_from, body.date_to)
        if documents != []:  # [] when no document was issued as asked
            hits = live.search(
                query,
                top_k=body.top_k,
                mode=body.mode,
                documents=documents,
                doc_types=body.doc_types,
                include_superseded=body.include_superseded,
            )
    return as_json(
        SearchResponse(
            results=[SearchResult.of_hit(h) for h in hits],
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )
    )
