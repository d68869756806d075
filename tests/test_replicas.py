"""Several API replicas against one engine: what one ingests, the others find; no replica's folder
holds anything the others need."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from index.backends.milvus import MilvusBackend
from index.knowledge_base import KnowledgeBase
from tests.conftest import NOTICE_TITLE, PLAN, free_port, write_notice

TOKEN = "replica-admin-token-2026"
VOLUNTEER_TITLE = "测试支部关于开展社区志愿服务的通知"


@contextmanager
def replica(data: Path, model: Path, env: dict[str, str]) -> Iterator[httpx.Client]:
    """`djkb serve` over its own data folder, as one replica of a deployment; yields a client for it."""
    port = free_port()
    djkb = str(Path(sys.executable).with_name("djkb"))
    cmd = [
        djkb,
        "--data",
        str(data),
        "--model",
        str(model),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    log = data.with_name(f"{data.name}.log")  # a file, not a pipe: a full pipe would block the replica
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"replica did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield client
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _environment(uri: str, prefix: str) -> dict[str, str]:
    """A replica's settings: the shared engine's URI and the collections' prefix."""
    return os.environ | {
        "DJKB_BACKEND": "milvus",
        "DJKB_MILVUS_URI": uri,
        "DJKB_MILVUS_PREFIX": prefix,
        "DJKB_ADMIN_TOKEN": TOKEN,
    }


def _titles(client: httpx.Client, query: str) -> list[str]:
    response = client.post("/search", json={"query": query})
    assert response.status_code == 200, response.text
    return [r["document_title"] for r in response.json()["results"]]


def test_a_document_ingested_through_one_replica_is_found_through_the_other(tmp_path, model_path, milvus_uri):
    env = _environment(milvus_uri, "replicas")
    notice = write_notice(tmp_path)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with replica(tmp_path / "a", model_path, env) as a, replica(tmp_path / "b", model_path, env) as b:
        for name, path in ((PLAN.name, PLAN), (notice.name, notice)):
            sent = a.post("/documents", files={"file": (name, path.read_bytes(), "text/plain")}, headers=auth)
            assert sent.status_code == 201, sent.text
        assert NOTICE_TITLE in _titles(b, "每季度读书分享会")
        asked = b.post("/ask", json={"question": "读书分享会多久开展一次？"}).json()
        assert asked["answered"] and "每季度开展一次读书分享会" in asked["citations"][0]["quote"]
        assert {d["title"] for d in b.get("/documents").json()} == {NOTICE_TITLE, PLAN.stem}

        notice_id = next(d["id"] for d in b.get("/documents").json() if d["title"] == NOTICE_TITLE)
        assert b.delete(f"/documents/{notice_id}", headers=auth).status_code == 204
        assert NOTICE_TITLE not in _titles(a, "每季度读书分享会")  # removed through the other replica

    # A replica's folder is a copy: a new replica with an empty folder serves the same documents.
    shutil.rmtree(tmp_path / "a")
    with replica(tmp_path / "c", model_path, env) as c:
        assert [d["title"] for d in c.get("/documents").json()] == [PLAN.stem]
        assert PLAN.stem in _titles(c, "主题党日")


def test_uploads_to_two_replicas_at_once_keep_both_documents(tmp_path, model_path, milvus_uri):
    env = _environment(milvus_uri, "together")
    notice = write_notice(tmp_path)
    other = tmp_path / "志愿服务通知.txt"
    other.write_text(
        f"{VOLUNTEER_TITLE}\n\n一、活动安排\n1.每月第二个周六组织党员到社区开展志愿服务。\n\n"
        "二、工作要求\n各党小组要如实登记服务时长。\n",
        encoding="utf-8",
    )
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with replica(tmp_path / "a", model_path, env) as a, replica(tmp_path / "b", model_path, env) as b:

        def upload(client: httpx.Client, path: Path) -> int:
            files = {"file": (path.name, path.read_bytes(), "text/plain")}
            return client.post("/documents", files=files, headers=auth).status_code

        with ThreadPoolExecutor(2) as pool:
            sent = list(pool.map(upload, (a, b), (notice, other)))
        assert sent == [201, 201]
        for client in (a, b):
            assert {d["title"] for d in client.get("/documents").json()} == {NOTICE_TITLE, VOLUNTEER_TITLE}
        assert VOLUNTEER_TITLE in _titles(a, "社区志愿服务")
        assert NOTICE_TITLE in _titles(b, "读书分享会")


def test_a_writer_that_died_holds_the_others_up_only_until_its_lease_runs_out(
    tmp_path, model_path, milvus_uri
):
    # A writer killed in the middle of an ingest: it took the lease and never gave it back.
    died = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; from pathlib import Path; from index.backends.milvus import MilvusBackend\n"
            "with MilvusBackend(sys.argv[1], 'died', lease_ttl=3).writing(Path(sys.argv[2])):\n"
            "    os._exit(0)",
            milvus_uri,
            str(tmp_path / "died"),
        ],
        cwd=Path(__file__).parents[1],
    )
    assert died.returncode == 0
    kb = KnowledgeBase(tmp_path / "next", model_path, backend=MilvusBackend(milvus_uri, "died"))
    started = time.monotonic()
    [result] = kb.ingest([write_notice(tmp_path)])
    assert result.status == "ingested"
    assert time.monotonic() - started < 60  # the dead writer's 3 s, not the default lease
    searcher = kb.searcher()
    assert searcher is not None
    assert searcher.search("读书分享会")[0].document_title == NOTICE_TITLE
