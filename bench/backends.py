"""The same knowledge bases on both backends: retrieval and answer figures side by side, and latency.

    .venv/bin/python -m bench.backends [--folds 5]

Ingests core and library (bench/knowledge_bases.py) into the Milvus backend too, in a milvus-lite file
beside the files backend's folder ($DJKB_CACHE/bench-<name>-milvus; the files backend's embeddings
copied there first, so nothing is embedded twice), then answers the dev and unanswerable questions on
both. Without --folds with the shipped models (the figures are training figures where those models
were fitted on these questions: the backends' difference is the point here); with --folds k each
backend's held-out figures, its two knowledge bases fitted together in each fold as bench/fit.py does.
Latency is in-process: `Searcher.search` and `answer` per dev question,
warm, one at a time.
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections.abc import Callable

from bench.knowledge_bases import DEV, answerable, benches, sources, unanswerable
from bench.latency import percentile
from index.answers.answer import answer
from index.backends.milvus import MilvusBackend
from index.cache_dir import default_cache_dir
from index.evaluation.crossval import Bench, cross_validate, report, shipped_outcomes
from index.evaluation.metrics import load_questions
from index.knowledge_base import KnowledgeBase

FIGURES = (
    ("R@1", "R@1"),
    ("R@5", "R@5"),
    ("MRR@10", "MRR@10"),
    ("first quote right", "answer_first_right"),
    ("wrongly refused", "answer_refused"),
)


def milvus_bench(name: str) -> tuple[Bench, float]:
    """The knowledge base `name` in the Milvus backend, and the seconds its ingest took."""
    data = default_cache_dir() / f"bench-{name}-milvus"
    if not (data / "cache").exists():
        shutil.copytree(default_cache_dir() / f"bench-{name}" / "cache", data / "cache")
    kb = KnowledgeBase(data, backend=MilvusBackend(str(data / "milvus.db"), "bench"))
    started = time.perf_counter()
    kb.ingest(sources(name))
    took = time.perf_counter() - started
    searcher = kb.searcher()
    assert searcher is not None
    return Bench(name, searcher, answerable(name, load_questions(DEV))), took


def latency(call: Callable[[str], object], queries: list[str]) -> tuple[float, float]:
    call("党员")
    times = []
    for query in queries:
        started = time.perf_counter()
        call(query)
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 0.5), percentile(times, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--folds", type=int, default=0, help="k-fold cross-validated figures (0: the shipped models)"
    )
    args = parser.parse_args()
    sets = unanswerable()
    flat = [q for qs in sets.values() for q in qs]
    by_backend: dict[str, list[Bench]] = {"files": benches(), "milvus": []}
    for files in by_backend["files"]:
        milvus, took = milvus_bench(files.name)
        print(f"{files.name}: ingested into Milvus in {took:.0f} s (embeddings from the files' cache)")
        by_backend["milvus"].append(milvus)
    rows = []
    for backend, chosen in by_backend.items():
        # Both knowledge bases fitted together in each fold, as bench/fit.py fits the shipped models.
        found = cross_validate(chosen, flat, args.folds) if args.folds else shipped_outcomes(chosen, flat)
        for bench in chosen:
            table = report(bench, sets, found[bench.name])
            queries = [q.query for q in bench.questions]
            search = latency(lambda q, s=bench.searcher: s.search(q), queries)
            ask = latency(lambda q, s=bench.searcher: answer(s, q), queries)
            refused = [table[f"refused:{name}"]["refused"] for name in sets]
            rows.append(
                [bench.name, backend, *(table["all"][key] for _, key in FIGURES), *refused, *search, *ask]
            )
    rows.sort(key=lambda row: (row[0] != "core", row[1]))
    names = [label for label, _ in FIGURES] + [f"refused {name}" for name in sets]
    print("| kb | backend | " + " | ".join(names) + " | search p50/p95 ms | ask p50/p95 ms |")
    print("|---" * (len(names) + 4) + "|")
    for row in rows:
        figures = " | ".join(f"{value:.4f}" for value in row[2 : 2 + len(names)])
        timings = f"{row[-4]:.0f} / {row[-3]:.0f} | {row[-2]:.0f} / {row[-1]:.0f}"
        print(f"| {row[0]} | {row[1]} | {figures} | {timings} |")


if __name__ == "__main__":
    main()
