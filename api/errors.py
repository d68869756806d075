"""Every error leaves as {"error": {"code", "message"}} with a fitting status, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from api.schemas import ErrorResponse

log = logging.getLogger("djkb.api")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    503: "unavailable",
}
# For errors the framework raises itself: its own messages are English.
_MESSAGES = {
    400: "请求格式不正确，无法解析",
    404: "未找到该地址",
    405: "该地址不支持此请求方法",
}
# What each documented error status means, for the OpenAPI description.
_DESCRIPTIONS = {
    400: "请求体无法解析（如不是 UTF-8 编码，或上传表单残缺）",
    401: "缺少管理员令牌",
    403: "管理员令牌不正确，或服务器未启用写操作",
    404: "未找到所请求的文档、段落或地址",
    413: "文件过大",
    422: "请求参数不正确，或文件无法导入",
    500: "索引未能建立，本次修改未生效，之前的索引仍在使用",
}


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"code": code, "message": message}}, headers=headers
    )


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the error statuses a route answers (replaces FastAPI's own 422 shape)."""
    return {status: {"model": ErrorResponse, "description": _DESCRIPTIONS[status]} for status in statuses}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str | None:
    """Every method some route answers on this path. Starlette's own Allow names only the first
    route's (GET /documents, not POST /documents). None on a mounted app's path (/static)."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    allowed = [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]
    return ", ".join(allowed) or None


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where}: {err.get('msg', '')}" if where else err.get("msg", ""))
    return "请求参数不正确：" + "；".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _describe(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = exc.headers
        if exc.status_code == 405 and (allowed := _allowed_methods(request)):  # RFC 9110: name them
            headers = {**(headers or {}), "Allow": allowed}
        message = _MESSAGES.get(exc.status_code, "请求失败")
        return error_response(exc.status_code, _CODES.get(exc.status_code, "error"), message, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "服务器内部错误，请稍后重试")
