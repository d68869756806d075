from __future__ import annotations

from fastapi import APIRouter

from api.deps import MaybeSearcher
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="服务状态")
def health(live: MaybeSearcher) -> Health:
    if live is None:
        return Health(status="ok", documents=0, passages=0)
    return Health(status="ok", documents=len(live.titles), passages=len(live.passages))
