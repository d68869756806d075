from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from api.deps import LiveSearcher
from api.downloads import MEDIA, download
from api.errors import ApiError, documented
from api.schemas import QuizExportRequest, QuizItemOut, QuizRequest, QuizResponse
from index.quiz.export import quiz_file
from index.quiz.generate import generate
from index.quiz.verify import problem

router = APIRouter(tags=["quiz"])


@router.post(
    "/quiz/generate",
    response_model=QuizResponse,
    summary="出题：填空、单选、判断，答案均可在出处原文中核对",
    responses=documented(400, 404, 422),
)
def post_generate(body: QuizRequest, live: LiveSearcher) -> QuizResponse:
    unknown = sorted(set(body.documents or ()) - live.titles.keys())
    if unknown:
        raise ApiError(404, f"未找到文档：{'、'.join(unknown)}")
    items = generate(
        live,
        body.topic.strip(),
        kinds=list(dict.fromkeys(body.kinds)),
        n=body.n,
        seed=body.seed or 0,
        documents=body.documents,
        exclude=body.exclude,
    )
    return QuizResponse(items=[QuizItemOut.of(item) for item in items])


@router.post(
    "/quiz/export",
    summary="导出题目（Excel、Word 或 CSV）",
    response_class=Response,
    responses={
        200: {"content": {MEDIA["xlsx"]: {}, MEDIA["docx"]: {}, MEDIA["csv"]: {}}},
        **documented(400, 404, 422),
    },
)
def post_export(body: QuizExportRequest, live: LiveSearcher) -> Response:
    items = [out.item() for out in body.items]
    unknown = sorted({i.source.passage_id for i in items if live.row(i.source.passage_id) is None})
    if unknown:
        raise ApiError(404, f"题目的出处段落不在知识库中：{'、'.join(unknown[:5])}")
    problems = [p for p in (problem(live, item) for item in items) if p]
    if problems:  # every exported answer must still be provable from its cited source
        raise ApiError(422, "；".join(problems[:5]))
    title = (body.title or "").strip() or "知识竞赛题目"
    return download(quiz_file(items, body.format, title, date.today()), body.format, title, "quiz")
