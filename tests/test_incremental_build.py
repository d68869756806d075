"""Adding and removing documents changes the index exactly as building it afresh would."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import faiss
import numpy as np
import pytest

from index.knowledge_base import KnowledgeBase
from index.retrieval.dense import COMPRESS_ABOVE, DenseIndex, extend_dense, write_dense
from index.retrieval.search import Searcher
from index.storage import term_counts
from index.storage.generations import DB_FILE, DENSE_FILE, LEXICAL_FILE, embedding_cache_path
from tests.conftest import NOTICE_TITLE, PLAN, copy_data_dir, write_notice
from tests.test_versions_and_crashes import RULES

QUERIES = ("主题党日", "党员教育管理工作条例的适用范围", "支部委员会会议研究什么", "学习贯彻")


def _index(kb: KnowledgeBase) -> dict[str, object]:
    """What a generation holds, independent of how it was built: rows in order, each passage's terms
    with their counts per field, the dense vectors, the reprints, and what searches find."""
    live = kb.searcher()
    assert live is not None
    counts = term_counts.load(live.generation / LEXICAL_FILE)
    dense = faiss.read_index(str(live.generation / DENSE_FILE))
    return {
        "passages": [(p.id, p.text) for p in live.passages],
        "units": live.store.unit_passages(),
        "terms": {
            name: [
                dict(zip((field.terms[c] for c in row.indices), row.data.tolist(), strict=True))
                for row in field.counts
            ]
            for name, field in counts.items()
        },
        "vectors": dense.reconstruct_n(0, dense.ntotal),
        "reprints": live.store.reprints(),
        "found": {q: [(h.passage.id, round(h.score, 4)) for h in live.search(q)] for q in QUERIES},
    }


def _assert_same(built: dict[str, object], afresh: dict[str, object]) -> None:
    for key in ("passages", "units", "terms", "reprints", "found"):
        assert built[key] == afresh[key], key
    np.testing.assert_array_equal(built["vectors"], afresh["vectors"])


@pytest.fixture(scope="module")
def files(
    tmp_path_factory: pytest.TempPathFactory, regulation_paths: list[Path], web_dir: Path
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("files")
    old, new = folder / "规则2014.txt", folder / "规则2026.txt"
    old.write_text(RULES.format(year=2014, rule="研究党员发展工作。"), encoding="utf-8")
    new.write_text(RULES.format(year=2026, rule="研究党员教育管理工作。"), encoding="utf-8")
    education = next(p for p in regulation_paths if "党员教育管理" in p.name)
    pages = sorted(web_dir.glob("*.html"))[:3]
    return {
        "plan": PLAN,
        "education": education,
        "old": old,
        "new": new,
        **{f"page{i}": p for i, p in enumerate(pages)},
    }


def test_documents_added_and_removed_one_by_one_leave_the_index_a_fresh_build_makes(
    tmp_path: Path, model_path: Path, files: dict[str, Path]
) -> None:
    kb = KnowledgeBase(tmp_path / "kb", model_path)
    steps: list[tuple[str, list[str]]] = [
        ("ingest", ["plan", "old"]),
        ("ingest", ["page0", "education", "page1"]),  # pages that may reprint the regulation
        ("ingest", ["new"]),  # a revision: the 2014 rules are no longer current
        ("remove", ["education"]),
        ("remove", ["new"]),  # the 2014 rules are current again
        ("ingest", ["page2", "new"]),
    ]
    held: list[str] = []
    ids: dict[str, str] = {}
    for number, (action, names) in enumerate(steps):
        if action == "ingest":
            results = kb.ingest([files[name] for name in names])
            assert all(r.status in ("ingested", "version") for r in results), results
            ids |= {name: r.document_id for name, r in zip(names, results, strict=True)}
            held += names
        else:
            for name in names:
                assert kb.remove(ids[name])
                held.remove(name)
        # The same documents in the same order, ingested at once into a fresh folder that has the
        # embeddings cached already (so both hold the very same vectors).
        fresh = tmp_path / f"fresh{number}"
        embedding_cache_path(fresh).parent.mkdir(parents=True)
        shutil.copy(embedding_cache_path(kb.data_dir), embedding_cache_path(fresh))
        afresh = KnowledgeBase(fresh, model_path)
        assert all(r.status != "failed" for r in afresh.ingest([files[name] for name in held]))
        _assert_same(_index(kb), _index(afresh))


def test_an_index_written_by_an_earlier_djkb_searches_alike_and_the_next_ingest_completes_it(
    library: KnowledgeBase, tmp_path: Path, model_path: Path
) -> None:
    kb = KnowledgeBase(copy_data_dir(library.data_dir, tmp_path / "data"), model_path)
    live = kb.searcher()
    assert live is not None
    expected = {q: [(h.passage.id, h.score) for h in live.search(q)] for q in QUERIES}
    # As an earlier djkb wrote it: no term counts, no enumerations, no layout mark.
    (live.generation / LEXICAL_FILE).unlink()
    with sqlite3.connect(live.generation / DB_FILE) as db:
        db.execute("DROP TABLE enumerations")
        db.execute("DELETE FROM info WHERE key = 'layout'")
    older = Searcher(live.generation, kb.embedder)
    assert {q: [(h.passage.id, h.score) for h in older.search(q)] for q in QUERIES} == expected

    (result,) = kb.ingest([write_notice(tmp_path)])
    assert result.status == "ingested"
    rebuilt = kb.searcher()
    assert rebuilt is not None and (rebuilt.generation / LEXICAL_FILE).exists()
    assert rebuilt.search(NOTICE_TITLE)[0].document_title == NOTICE_TITLE


def test_a_dense_index_beyond_the_exact_size_keeps_its_vectors_compressed_and_finds_the_same_rows(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((COMPRESS_ABOVE + 1000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    write_dense(tmp_path / "large.faiss", vectors, 64)
    assert isinstance(faiss.read_index(str(tmp_path / "large.faiss")), faiss.IndexScalarQuantizer)
    # A document's units removed from the midst, another's appended: rows close up as the units' do.
    keep = np.ones(len(vectors), dtype=bool)
    keep[100:600] = False
    extend_dense(tmp_path / "large.faiss", tmp_path / "next.faiss", keep, vectors[:10] * -1)
    expected = np.concatenate([vectors[keep], vectors[:10] * -1])
    index = DenseIndex(tmp_path / "next.faiss")
    assert index.size == len(expected)
    for row in (0, 99, 100, 30_000, len(expected) - 1):
        query = expected[row] + 0.01 * rng.standard_normal(64).astype(np.float32)
        rows, scores = index.search(query / np.linalg.norm(query), 5)
        assert rows[0] == row and abs(scores[0] - float(expected[row] @ query / np.linalg.norm(query))) < 1e-3
