from __future__ import annotations

import time

from fastapi import APIRouter, Response

from api.deps import MaybeSearcher
from api.errors import ApiError, documented
from api.responses import as_json
from api.schemas import AskRequest, AskResponse
from index.answers.answer import abstention, answer

router = APIRouter(tags=["ask"])


@router.post(
    "/ask",
    response_model=AskResponse,
    summary="问答：只用原文逐字摘录作答，注明出处；无依据时如实说明",
    responses=documented(400, 404, 422),
)
def ask(body: AskRequest, live: MaybeSearcher) -> Response:
    started = time.perf_counter()
    question = body.question.strip()
    if not question:
        raise ApiError(422, "问题不能为空")
    if live is None:  # nothing ingested: no basis for any answer
        result = abstention(question)
    else:
        unknown = sorted(set(body.documents or ()) - live.titles.keys())
        if unknown:
            raise ApiError(404, f"未找到文档：{'、'.join(unknown)}")
        result = answer(live, question, top_k=body.top_k, documents=body.documents, issued=body.issued())
    return as_json(AskResponse.of(result, (time.perf_counter() - started) * 1000))
