from __future__ import annotations

import time

from fastapi import APIRouter, Response

from api.deps import MaybeSearcher
from api.errors import documented
from api.responses import as_json
from api.schemas import SearchRequest, SearchResponse, SearchResult

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchResponse, summary="检索段落", responses=documented(400, 422))
def search(body: SearchRequest, live: MaybeSearcher) -> Response:
    started = time.perf_counter()
    query = body.query.strip()
    hits = (
        []
        if live is None or not query
        else live.search(
            query,
            top_k=body.top_k,
            mode=body.mode,
            documents=body.documents,
            doc_types=body.doc_types,
            include_superseded=body.include_superseded,
            issued=body.issued(),
        )
    )
    return as_json(
        SearchResponse(
            results=[SearchResult.of_hit(h) for h in hits],
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )
    )
