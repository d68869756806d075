"""Write access: upload and delete documents, only with the admin token."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import knowledge_base
from api.errors import ApiError
from api.schemas import UploadResult
from api.uploads import TooLarge, save_upload


def require_admin(request: Request) -> None:
    token = request.app.state.settings.admin_token
    if not token:
        raise ApiError(403, "写操作已停用：服务器未设置管理员令牌（DJKB_ADMIN_TOKEN）")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise ApiError(401, "需要管理员令牌（Authorization: Bearer …）")
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError(403, "管理员令牌不正确")


router = APIRouter(tags=["manage"], dependencies=[Depends(require_admin)])


def _check_declared_size(request: Request) -> None:
    """Refuse at once when the client announces a body over the limit (before reading it)."""
    limit = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:  # multipart framing adds a little
        raise ApiError(413, f"文件过大：上限为 {limit // (1024 * 1024)} MB")


@router.post(
    "/documents",
    response_model=UploadResult,
    status_code=201,
    summary="上传并导入文档（需要管理员令牌）",
    dependencies=[Depends(_check_declared_size)],
)
async def upload_document(
    request: Request,
    response: Response,
    file: Annotated[UploadFile, File(description="文档文件")],
) -> UploadResult:
    kb = knowledge_base(request)
    limit = request.app.state.settings.max_upload_bytes
    try:
        path = await run_in_threadpool(save_upload, file.file, file.filename, kb.data_dir / "uploads", limit)
    except TooLarge:
        raise ApiError(413, f"文件过大：上限为 {limit // (1024 * 1024)} MB") from None
    (result,) = await run_in_threadpool(kb.ingest, [path])
    if result.status == "failed":
        path.unlink(missing_ok=True)
        raise ApiError(422, result.message, code="ingest_failed")
    if result.status != "ingested":
        response.status_code = 200  # nothing new was created
    return UploadResult(
        document_id=result.document_id,
        title=result.title,
        passages=result.passages,
        status=result.status,
        filename=path.name,
    )


@router.delete("/documents/{doc_id}", status_code=204, summary="删除文档（需要管理员令牌）")
def delete_document(doc_id: str, request: Request) -> Response:
    if not knowledge_base(request).remove(doc_id):
        raise ApiError(404, f"未找到文档：{doc_id}")
    return Response(status_code=204)
