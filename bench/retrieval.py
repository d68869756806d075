"""Retrieval quality on the dev questions for each search mode.

    .venv/bin/python bench/retrieval.py [--questions ../shared/eval/dev.jsonl] [--misses]

Ingests the demo plan and the shared regulations into $DJKB_CACHE/bench-data (embeddings
are cached there across runs) and prints R@k and MRR@10 for lexical, dense and hybrid search.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from index.evaluate import evaluate, load_questions
from index.knowledge_base import KnowledgeBase
from index.model_build import default_cache_dir
from index.search import MODES

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DJKB_SHARED", REPO.parent / "shared"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", nargs="+", default=["lexical", "dense", "hybrid"], choices=MODES)
    parser.add_argument("--questions", type=Path, default=SHARED / "eval" / "dev.jsonl")
    parser.add_argument("--misses", action="store_true", help="list the questions not answered at rank 1")
    args = parser.parse_args()

    kb = KnowledgeBase(default_cache_dir() / "bench-data")
    kb.ingest([REPO / "corpus", *sorted((SHARED / "corpus" / "regulations").glob("*.txt"))])
    searcher = kb.searcher()
    assert searcher is not None
    questions = load_questions(args.questions)
    print(f"{len(questions)} questions, {len(searcher.passages)} passages")
    for mode in args.modes:
        report = evaluate(questions, lambda q, m=mode: [h.passage.text for h in searcher.search(q, mode=m)])
        recall = "  ".join(f"R@{k} {v:.3f}" for k, v in report.recall.items())
        print(f"{mode:<8} {recall}  MRR@10 {report.mrr:.3f}")
        if args.misses:
            for miss in report.misses:
                print(f"    {miss['id']} rank {miss['rank'] or '-'}: {miss['query']} | {miss['top'][:50]}")


if __name__ == "__main__":
    main()
