"""Revisions of one document side by side, and an ingest killed midway that loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from index.knowledge_base import KnowledgeBase
from tests.conftest import PLAN

RULES = """XX市机关党支部工作规则
（{year}年3月1日中共XX市委办公厅发布）
第一章　总则
第一条　为了规范机关党支部工作，制定本规则。
第二条　党支部每月召开一次支部委员会会议，{rule}
第二章　附则
第三条　本规则自发布之日起施行。
"""


def test_two_revisions_are_kept_and_search_prefers_the_newest(tmp_path, model_path, backend):
    old, new = tmp_path / "规则2014.txt", tmp_path / "规则2026.txt"
    old.write_text(RULES.format(year=2014, rule="研究党员发展工作。"), encoding="utf-8")
    new.write_text(RULES.format(year=2026, rule="研究党员教育管理工作。"), encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "data", model_path)
    results = kb.ingest([old, new])
    assert [r.status for r in results] == ["ingested", "version"]  # same title, a later revision
    assert results[1].other_id == results[0].document_id != results[1].document_id

    searcher = kb.searcher()
    hits = searcher.search("支部委员会会议")
    assert {h.revision_year for h in hits} == {2026}
    assert all(h.current for h in hits)

    hits = searcher.search("支部委员会会议", include_superseded=True)
    assert {h.revision_year for h in hits} == {2014, 2026}
    assert [h.current for h in hits if h.revision_year == 2014] == [False] * sum(
        h.revision_year == 2014 for h in hits
    )


def _djkb(data: Path, model: Path, *args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("djkb")), "--data", str(data), "--model", str(model), *args]


def _cache_bytes(data: Path) -> int:
    """Size of the embedding cache, write-ahead log included: it grows as the ingest embeds."""
    return sum(f.stat().st_size for f in (data / "cache").glob("embeddings.sqlite*"))


def test_an_ingest_killed_midway_leaves_the_previous_index_serving(
    tmp_path, model_path, regulation_paths, backend
):
    data = tmp_path / "data"
    kb = KnowledgeBase(data, model_path)
    kb.ingest([PLAN])
    before = kb.searcher()
    assert before is not None and len(before.titles) == 1

    process = subprocess.Popen(
        _djkb(data, model_path, "ingest", *map(str, regulation_paths)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = _cache_bytes(data)
    deadline = time.monotonic() + 300
    while _cache_bytes(data) == started and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)  # wait until the new run has committed some embeddings: it is midway
    assert process.poll() is None, "the ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    after = KnowledgeBase(data, model_path).searcher()
    assert after is not None and after.generation == before.generation
    assert len(after.titles) == 1
    assert after.search("主题党日")

    rerun = subprocess.run(
        _djkb(data, model_path, "ingest", *map(str, regulation_paths)), capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    health = subprocess.run(
        _djkb(data, model_path, "search", "党徽", "--json"), capture_output=True, text=True
    )
    assert any(r["document_title"] == "中国共产党章程" for r in json.loads(health.stdout))
    assert len(KnowledgeBase(data, model_path).searcher().titles) == 6
    generations = list((data / "generations").iterdir())
    assert len(generations) <= 2  # the killed run's half-built folder was cleaned up


def test_versions_over_http_and_removal_from_the_command_line(tmp_path, model_path, capsys, backend):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.cli import main

    for year, rule in ((2014, "研究党员发展工作。"), (2026, "研究党员教育管理工作。")):
        (tmp_path / f"规则{year}.txt").write_text(RULES.format(year=year, rule=rule), encoding="utf-8")
    args = ["--data", str(tmp_path / "data"), "--model", str(model_path)]
    assert main([*args, "ingest", str(tmp_path)]) == 0

    with TestClient(create_app(tmp_path / "data", model_path, warm=False)) as client:
        docs = {d["revision_year"]: d for d in client.get("/documents").json()}
        assert docs[2026]["current"] and not docs[2014]["current"]
        body = {"query": "支部委员会会议", "include_superseded": True}
        years = {r["revision_year"] for r in client.post("/search", json=body).json()["results"]}
        assert years == {2014, 2026}

        assert main([*args, "remove", docs[2026]["id"]]) == 0
        assert "已删除《XX市机关党支部工作规则》" in capsys.readouterr().out
        # the running app sees the new state without a restart; the old revision is current again
        remaining = client.get("/documents").json()
        assert [(d["revision_year"], d["current"]) for d in remaining] == [(2014, True)]
        assert main([*args, "remove", "不存在的文档"]) == 1
