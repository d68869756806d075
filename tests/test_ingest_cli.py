"""Ingesting from the command line: summaries, re-ingest, bad files, and search output."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main
from index.analysis.tokenize import lexicon_version
from index.storage.generations import DB_FILE, current_generation
from tests.conftest import PLAN


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run(data_dir: Path, model_path: Path, *args: str) -> int:
    return main(["--data", str(data_dir), "--model", str(model_path), *args])


def test_ingest_reports_each_file_and_a_bad_file_does_not_stop_the_batch(
    tmp_path, data_dir, model_path, capsys
):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(PLAN, docs / PLAN.name)
    (docs / "空文件.txt").write_text("   \n\n", encoding="utf-8")
    (docs / "表格.xls").write_bytes(b"\xd0\xcf\x11\xe0 not a text file")

    code = run(
        data_dir,
        model_path,
        "ingest",
        str(docs / PLAN.name),
        str(docs / "空文件.txt"),
        str(docs / "表格.xls"),
    )
    out = capsys.readouterr().out
    assert code == 1  # some file failed
    assert f"[新增] {docs / PLAN.name}" in out
    assert "[失败]" in out and "空文件.txt" in out and "表格.xls" in out
    assert "完成：" in out

    assert run(data_dir, model_path, "search", "主题党日", "--json") == 0
    results = json.loads(capsys.readouterr().out)
    assert results and all(r["document_title"] == PLAN.stem for r in results)


def test_reingesting_unchanged_file_changes_nothing_and_a_changed_file_replaces_it(
    tmp_path, data_dir, model_path, capsys
):
    doc = tmp_path / PLAN.name
    shutil.copy(PLAN, doc)
    assert run(data_dir, model_path, "ingest", str(doc)) == 0
    generation = (data_dir / "CURRENT").read_text()
    assert run(data_dir, model_path, "ingest", str(doc)) == 0
    assert "[未变]" in capsys.readouterr().out
    assert (data_dir / "CURRENT").read_text() == generation

    doc.write_text(PLAN.read_text(encoding="utf-8") + "\n17.新增一项测试工作。\n", encoding="utf-8")
    assert run(data_dir, model_path, "ingest", str(doc)) == 0
    assert "[新版本]" in capsys.readouterr().out
    assert run(data_dir, model_path, "search", "新增一项测试工作", "--json") == 0
    assert "新增一项测试工作" in json.loads(capsys.readouterr().out)[0]["text"]


def test_a_duplicate_file_is_known_again_without_a_rebuild_and_returns_when_its_twin_goes(
    tmp_path, data_dir, model_path, capsys
):
    original, copy = tmp_path / PLAN.name, tmp_path / "转存-工作要点.txt"
    shutil.copy(PLAN, original)
    shutil.copy(PLAN, copy)
    assert run(data_dir, model_path, "ingest", str(original), str(copy)) == 0
    assert f"[重复] {copy}" in capsys.readouterr().out
    generation = (data_dir / "CURRENT").read_text()
    assert run(data_dir, model_path, "ingest", str(original), str(copy)) == 0
    out = capsys.readouterr().out
    assert f"[未变] {original}" in out and f"[重复] {copy}" in out and PLAN.stem in out
    assert (data_dir / "CURRENT").read_text() == generation  # nothing rebuilt
    # The document it repeated is removed: the file is no duplicate any more, and is not lost.
    assert run(data_dir, model_path, "remove", PLAN.name) == 0
    assert run(data_dir, model_path, "ingest", str(copy)) == 0
    assert f"[新增] {copy}" in capsys.readouterr().out


@pytest.mark.parametrize("made_with", ["lexicon", "model_id", "layout"])
def test_reingesting_an_index_made_with_another_dictionary_model_or_layout_rebuilds_it(
    tmp_path, data_dir, model_path, made_with
):
    # An index built by an older djkb, whose dictionary (terms, synonyms) was another, or whose vectors
    # another embedding model or runtime made, or which stored less (no articles' window units):
    # re-ingesting the unchanged files rebuilds it with today's tokens (start-up need not tokenise it
    # afresh), vectors (queries are compared with their own kind) and units.
    doc = tmp_path / PLAN.name
    shutil.copy(PLAN, doc)
    assert run(data_dir, model_path, "ingest", str(doc)) == 0
    old = current_generation(data_dir)
    with sqlite3.connect(old / DB_FILE) as db:
        (today,) = db.execute("SELECT value FROM info WHERE key = ?", (made_with,)).fetchone()
        db.execute("UPDATE info SET value = 'made-with-another' WHERE key = ?", (made_with,))
    assert run(data_dir, model_path, "ingest", str(doc)) == 0
    live = current_generation(data_dir)
    assert live is not None and live != old
    with sqlite3.connect(live / DB_FILE) as db:
        assert db.execute("SELECT value FROM info WHERE key = ?", (made_with,)).fetchone() == (today,)
    assert made_with != "lexicon" or today == lexicon_version()


def test_search_prints_citations_for_people(library, capsys):
    assert (
        main(["--data", str(library.data_dir), "--model", str(library.model_path), "search", "入党誓词"]) == 0
    )
    out = capsys.readouterr().out
    assert "1. 《" in out


def test_outline_prints_the_tree(library, capsys):
    args = ["--data", str(library.data_dir), "--model", str(library.model_path), "outline", "中国共产党章程"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "第十一章" in out and "总纲" in out.replace("　", "").replace(" ", "")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root for unshare -n")
def test_search_and_ingest_work_without_network(tmp_path, model_path):
    """The real CLI in a network namespace with no interfaces: nothing is fetched at run time."""
    djkb = Path(sys.executable).with_name("djkb")
    env = {**os.environ, "HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0"}
    base = ["unshare", "-n", str(djkb), "--data", str(tmp_path / "data"), "--model", str(model_path)]
    ingest = subprocess.run(
        [*base, "ingest", str(PLAN)], capture_output=True, text=True, env=env, timeout=600
    )
    assert ingest.returncode == 0, ingest.stderr
    search = subprocess.run(
        [*base, "search", "主题党日", "--json"], capture_output=True, text=True, env=env, timeout=600
    )
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)
