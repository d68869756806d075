"""The two knowledge bases every figure is measured on, and the question sets, for the bench scripts.

    core     corpus/ + ../shared/corpus/regulations       (the `ws` questions are not answerable here)
    library  core + ../shared/corpus/web                   (all questions)

They are ingested into $DJKB_CACHE/bench-<name> (embeddings cached there across runs).
"""

from __future__ import annotations

import os
from pathlib import Path

from index.cache_dir import default_cache_dir
from index.evaluation.crossval import Bench
from index.evaluation.metrics import Question, load_questions
from index.knowledge_base import KnowledgeBase

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DJKB_SHARED", REPO.parent / "shared"))
DEV = SHARED / "eval" / "dev.jsonl"
UNANSWERABLE = {
    "out_of_domain.jsonl": SHARED / "eval" / "out_of_domain.jsonl",
    "tests/data/out_of_domain.txt": REPO / "tests" / "data" / "out_of_domain.txt",
}
# Unanswerable questions no model is fitted on: how the abstention fares on questions nearer the
# documents' topics than the sets it was fitted on.
PROBES = {"bench/data/near_domain.txt": REPO / "bench" / "data" / "near_domain.txt"}


def sources(name: str) -> list[Path]:
    core = [REPO / "corpus", SHARED / "corpus" / "regulations"]
    return core if name == "core" else [*core, SHARED / "corpus" / "web"]


def answerable(name: str, questions: list[Question]) -> list[Question]:
    return [q for q in questions if name == "library" or not q.id.startswith("ws")]


def benches(names: tuple[str, ...] = ("core", "library")) -> list[Bench]:
    questions = load_questions(DEV)
    found = []
    for name in names:
        kb = KnowledgeBase(default_cache_dir() / f"bench-{name}")
        kb.ingest(sources(name))
        searcher = kb.searcher()
        assert searcher is not None, f"{name}: nothing ingested"
        found.append(Bench(name, searcher, answerable(name, questions)))
    return found


def unanswerable() -> dict[str, list[Question]]:
    return {name: load_questions(path) for name, path in UNANSWERABLE.items()}


def probes() -> dict[str, list[Question]]:
    return {name: load_questions(path) for name, path in PROBES.items()}
