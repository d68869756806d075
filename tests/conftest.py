"""Shared fixtures: the regulation texts beside the repo, the demo plan, the real model."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
PLAN = CORPUS / "2022年市商务局党的建设工作要点.txt"


def shared_dir() -> Path:
    return Path(os.environ.get("DJKB_SHARED", REPO.parent / "shared")).resolve()


def _require(path: Path) -> Path:
    """Shared material is required in CI: there a missing path fails the test instead of skipping it."""
    if not path.exists():
        message = f"shared material missing: {path} (set DJKB_SHARED)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def regulations_dir() -> Path:
    return _require(shared_dir() / "corpus" / "regulations")


@pytest.fixture(scope="session")
def regulation_paths(regulations_dir: Path) -> list[Path]:
    return sorted(regulations_dir.glob("*.txt"))


@pytest.fixture(scope="session")
def dev_questions_path() -> Path:
    """dev.jsonl's first 30 questions: quick regression checks of the shipped (fitted) models; the
    held-out figures are tests/test_fitted_models.py's."""
    return _require(shared_dir() / "eval" / "dev30.jsonl")


@pytest.fixture(scope="session")
def all_dev_questions_path() -> Path:
    """All 158 dev questions, 45 of them (ids ws..) on the saved pages."""
    return _require(shared_dir() / "eval" / "dev.jsonl")


@pytest.fixture(scope="session")
def shared_eval_dir() -> Path:
    return _require(shared_dir() / "eval")


@pytest.fixture(scope="session")
def web_dir() -> Path:
    """The study column's 150 saved pages."""
    return _require(shared_dir() / "corpus" / "web")


@pytest.fixture(scope="session")
def plan_path() -> Path:
    return PLAN


@pytest.fixture(scope="session")
def model_path() -> Path:
    from index.embedding.model_build import ensure_default_model

    return ensure_default_model()


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory, model_path: Path, regulation_paths: list[Path]):
    """The demo plan and the five regulations, ingested once per test run with the real model."""
    from index.knowledge_base import KnowledgeBase

    kb = KnowledgeBase(tmp_path_factory.mktemp("data"), model_path)
    results = kb.ingest([PLAN, *regulation_paths])
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    return kb


BACKENDS = ("files", "milvus")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def milvus_server(folder: Path) -> Iterator[str]:
    """A milvus-lite server process over `folder`: the engine that replicas share; yields its URI."""
    port = free_port()
    server = Path(sys.executable).with_name("milvus-lite")
    cmd = [str(server), "server", "--data-dir", str(folder), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("milvus-lite server did not start") from None
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One engine for the session's Milvus tests, each in collections of its own."""
    with milvus_server(tmp_path_factory.mktemp("milvus")) as uri:
        yield uri


@pytest.fixture(scope="session")
def milvus_library(
    tmp_path_factory: pytest.TempPathFactory, library, milvus_uri: str, regulation_paths: list[Path]
):
    """`library`'s documents in the Milvus backend (its embeddings reused, not computed again)."""
    from index.backends.milvus import MilvusBackend
    from index.knowledge_base import KnowledgeBase

    data = tmp_path_factory.mktemp("milvus-data")
    shutil.copytree(library.data_dir / "cache", data / "cache")
    kb = KnowledgeBase(data, library.model_path, MilvusBackend(milvus_uri, "library"))
    results = kb.ingest([PLAN, *regulation_paths])
    assert not [r for r in results if r.status == "failed"]
    return kb


@pytest.fixture(scope="module", params=BACKENDS)
def any_library(request: pytest.FixtureRequest):
    """The demo plan and the regulations in each backend in turn: the same tests, the same figures."""
    return request.getfixturevalue("library" if request.param == "files" else "milvus_library")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each backend in turn for knowledge bases made in the test, in this process and in the
    commands it runs: Milvus in collections of the test's own on the session's engine."""
    if request.param == "milvus":
        monkeypatch.setenv("DJKB_BACKEND", "milvus")
        monkeypatch.setenv("DJKB_MILVUS_URI", request.getfixturevalue("milvus_uri"))
        monkeypatch.setenv("DJKB_MILVUS_PREFIX", f"t{uuid.uuid4().hex[:12]}")
    else:
        monkeypatch.delenv("DJKB_BACKEND", raising=False)
    return request.param


@pytest.fixture(scope="session")
def client(library):
    """The HTTP API over the shared library (same loaded model and index as the other tests)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(library.data_dir, library.model_path, warm=False)
    app.state.kb = library
    with TestClient(app) as c:
        yield c


ADMIN_TOKEN = "test-admin-token-2026"


def copy_data_dir(source: Path, target: Path) -> Path:
    """A private copy of a data folder (CURRENT, generations/, cache/), for tests that write to it."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("ingest.lock"))
    return target


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve the app with uvicorn on 127.0.0.1 in a background thread; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on: no race with other processes
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # warm=True loads the model and the index first
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(scope="module")
def live_server(library, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real server with an admin token over a copy of the library: uploads and
    deletions stay in the copy."""
    from api.app import create_app
    from api.settings import Settings

    data_dir = copy_data_dir(library.data_dir, tmp_path_factory.mktemp("served") / "data")
    app = create_app(data_dir, library.model_path, settings=Settings(admin_token=ADMIN_TOKEN))
    with running(app) as url:
        yield url


NOTICE_TITLE = "测试支部关于开展读书活动的通知"


def write_notice(folder: Path) -> Path:
    """A small document found nowhere else, for uploads."""
    path = folder / "读书活动通知.txt"
    path.write_text(
        f"{NOTICE_TITLE}\n\n一、活动内容\n1.每月共读一本理论书籍，交流读书心得。\n"
        "2.每季度开展一次读书分享会。\n\n二、工作要求\n各党小组要认真组织，做好记录。\n",
        encoding="utf-8",
    )
    return path
