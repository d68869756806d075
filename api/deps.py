"""Request-scoped access to the knowledge base held by the app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from index.knowledge_base import KnowledgeBase
from index.retrieval.search import Searcher


def knowledge_base(request: Request) -> KnowledgeBase:
    return request.app.state.kb


def searcher(request: Request) -> Searcher | None:
    return knowledge_base(request).searcher()


def require_searcher(request: Request) -> Searcher:
    live = searcher(request)
    if live is None:
        raise ApiError(404, "知识库中还没有文档，请先导入文档")
    return live


LiveSearcher = Annotated[Searcher, Depends(require_searcher)]
MaybeSearcher = Annotated[Searcher | None, Depends(searcher)]
