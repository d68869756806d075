"""The FastAPI application: routes, error format, request log, and the knowledge base it serves."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.routes import ask, documents, health, manage, quiz, search, study
from api.settings import Settings
from index.knowledge_base import KnowledgeBase

log = logging.getLogger("djkb.api")


STATIC = Path(__file__).parent / "static"
# Swagger UI 5 (OpenAPI 3.1) as shipped inside the fastapi-offline wheel: /docs works with no network.
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"


def create_app(
    data_dir: Path, model_path: Path | None = None, *, warm: bool = True, settings: Settings | None = None
) -> FastAPI:
    kb = KnowledgeBase(data_dir, model_path)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:  # load the model and the index before the first member waits for them
            await run_in_threadpool(kb.warm)
        yield

    app = FastAPI(
        title="djkb 党建知识库",
        description="党建文件的检索与问答：逐字引用、注明出处、完全离线。",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's own pages load Swagger UI from a CDN; ours serves it locally
        redoc_url=None,
    )
    app.state.kb = kb
    app.state.settings = settings or Settings.from_env()
    errors.install(app)
    for module in (health, search, ask, documents, study, quiz, manage):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_UI), name="docs-assets")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )

    app.add_middleware(AccessLog)

    return app


class AccessLog:
    """Logs each request's method, path, status and time. A plain ASGI middleware: Starlette's
    @app.middleware("http") streams every response through a task of its own, about a millisecond a
    request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            log.info(
                "%s %s %d %.1fms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )
