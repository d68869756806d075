"""Request-scoped access to the knowledge base held by the app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from api.errors import ApiError
from index.knowledge_base import KnowledgeBase
from index.retrieval.search import Searcher


def knowledge_base(request: Request) -> KnowledgeBase:
    return request.app.state.kb


async def searcher(request: Request) -> Searcher | None:
    """On the event loop while the live generation is the loaded one (a sync dependency would cost
    every request a hop to a worker thread); loading a newly published one (seconds) in a worker."""
    kb = knowledge_base(request)
    return kb.loaded_searcher() or await run_in_threadpool(kb.searcher)


async def require_searcher(request: Request) -> Searcher:
    live = await searcher(request)
    if live is None:
        raise ApiError(404, "知识库中还没有文档，请先导入文档")
    return live


LiveSearcher = Annotated[Searcher, Depends(require_searcher)]
MaybeSearcher = Annotated[Searcher | None, Depends(searcher)]
