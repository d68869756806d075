from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response

from api.deps import LiveSearcher
from api.downloads import MEDIA, download
from api.errors import ApiError, documented
from api.schemas import ContextResponse, DigestRequest, DigestResponse, PassagesExport, TopicExport
from index.study.context import MAX_AROUND, context
from index.study.digest import digest
from index.study.export import pack_file
from index.study.pack import UnknownPassages, pack_of_digest, pack_of_passages

router = APIRouter(tags=["study"])


@router.get(
    "/passages/{passage_id}/context",
    response_model=ContextResponse,
    summary="段落及其上下文",
    responses=documented(400, 404, 422),
)
def get_context(
    passage_id: str,
    live: LiveSearcher,
    before: int = Query(1, ge=0, le=MAX_AROUND, description="前面几个段落"),
    after: int = Query(1, ge=0, le=MAX_AROUND, description="后面几个段落"),
) -> ContextResponse:
    found = context(live, passage_id, before, after)
    if found is None:
        raise ApiError(404, f"未找到段落：{passage_id}")
    return ContextResponse.of(found)


@router.post(
    "/study/digest",
    response_model=DigestResponse,
    summary="专题摘编：各文档中论及专题的原文，按文档分组",
    responses=documented(400, 404, 422),
)
def post_digest(body: DigestRequest, live: LiveSearcher) -> DigestResponse:
    found = digest(
        live,
        body.topic.strip(),
        documents=body.documents,
        doc_types=body.doc_types,
        max_passages=body.max_passages,
    )
    return DigestResponse.of(found)


@router.post(
    "/study/export",
    summary="导出学习材料（Word 或 Markdown）",
    response_class=Response,
    responses={200: {"content": {MEDIA["docx"]: {}, MEDIA["markdown"]: {}}}, **documented(400, 404, 422)},
)
def post_export(body: PassagesExport | TopicExport, live: LiveSearcher) -> Response:
    title = (body.title or "").strip()
    today = date.today()
    if isinstance(body, PassagesExport):
        try:
            pack = pack_of_passages(live, body.passage_ids, title, today)
        except UnknownPassages as exc:
            raise ApiError(404, f"未找到段落：{'、'.join(exc.ids)}") from exc
    else:
        pack = pack_of_digest(digest(live, body.topic.strip()), title, today)
    if not pack.excerpts:
        raise ApiError(404, "没有可导出的段落：该专题在知识库中未找到依据")
    return download(pack_file(pack, body.format), body.format, pack.title, "study")
