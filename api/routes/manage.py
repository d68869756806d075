"""Write access: upload and delete documents, only with the admin token."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile  # what Request.form() gives (FastAPI's is a subclass)
from starlette.types import Message

from api.deps import knowledge_base
from api.errors import ApiError, documented
from api.schemas import UploadResult
from api.uploads import TooLarge, save_upload
from index.knowledge_base import IndexBuildError

# Declared as an OpenAPI security scheme, so /docs offers 「Authorize」 and clients see what to send.
bearer = HTTPBearer(auto_error=False, description="管理员令牌：服务器的 DJKB_ADMIN_TOKEN")
MULTIPART_SLACK = 64 * 1024  # the multipart framing around the file


def require_admin(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    if credentials is None:  # unauthenticated comes first, also where writes are switched off
        raise ApiError(
            401, "需要管理员令牌（Authorization: Bearer …）", headers={"WWW-Authenticate": "Bearer"}
        )
    token = request.app.state.settings.admin_token
    if not token:
        raise ApiError(403, "写操作已停用：服务器未设置管理员令牌（DJKB_ADMIN_TOKEN）")
    if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise ApiError(403, "管理员令牌不正确")


router = APIRouter(tags=["manage"], dependencies=[Depends(require_admin)])


def _too_large(limit: int) -> ApiError:
    size = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit / 2**10:g} KB"
    return ApiError(413, f"文件过大：上限为 {size}")


def _bounded(request: Request, limit: int) -> Request:
    """The request with a body that fails with 413 once past the limit, announced or not (chunked)."""
    cap = limit + MULTIPART_SLACK
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_large(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > cap:
            raise _too_large(limit)
        return message

    return Request(request.scope, receive)


# Documented by hand: FastAPI would parse a declared File() body before any dependency, so anyone
# without a token could make the server read and spool a body of any size before hearing 401.
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "additionalProperties": False,  # one file, nothing else (max_fields=1 below)
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "文档：PDF、Word/WPS、OFD、网页、文本或扫描图片",
                    }
                },
            }
        }
    },
}


@router.post(
    "/documents",
    response_model=UploadResult,
    status_code=201,
    summary="上传并导入文档（需要管理员令牌）",
    responses={200: {"model": UploadResult, "description": "同名文档已存在：替换或未变"}}
    | documented(400, 401, 403, 413, 422, 500),
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def upload_document(request: Request, response: Response) -> UploadResult:
    kb = knowledge_base(request)
    limit = request.app.state.settings.max_upload_bytes
    async with _bounded(request, limit).form(max_files=1, max_fields=1) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "请选择要上传的文件（表单字段 file）")
        try:
            path = await run_in_threadpool(
                save_upload, upload.file, upload.filename, kb.data_dir / "uploads", limit
            )
        except TooLarge:
            raise _too_large(limit) from None
    try:
        (result,) = await run_in_threadpool(kb.ingest, [path])
    except IndexBuildError as exc:
        raise ApiError(500, str(exc), code="index_build_failed") from None
    if result.status in ("failed", "duplicate"):
        path.unlink(missing_ok=True)  # not kept: it is not a document of its own
    if result.status == "failed":
        raise ApiError(422, result.message, code="ingest_failed")
    if result.status not in ("ingested", "version"):
        response.status_code = 200  # nothing new was created
    return UploadResult(
        document_id=result.document_id,
        title=result.title,
        passages=result.passages,
        status=result.status,
        filename=path.name,
        other_document_id=result.other_id,
        notes=list(result.notes),
    )


@router.delete(
    "/documents/{doc_id}",
    status_code=204,
    summary="删除文档（需要管理员令牌）",
    responses=documented(401, 403, 404, 500),
)
def delete_document(doc_id: str, request: Request) -> Response:
    try:
        removed = knowledge_base(request).remove(doc_id)
    except IndexBuildError as exc:
        raise ApiError(500, str(exc), code="index_build_failed") from None
    if not removed:
        raise ApiError(404, f"未找到文档：{doc_id}")
    return Response(status_code=204)
