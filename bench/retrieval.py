"""Retrieval quality of each search mode on the dev questions, for core and library.

    .venv/bin/python -m bench.retrieval [--misses]

Hybrid uses the shipped ranker, fitted on these questions: its figure here is a training figure;
bench/fit.py gives the cross-validated one.
"""

from __future__ import annotations

import argparse

from bench.knowledge_bases import benches
from index.evaluation.metrics import evaluate
from index.retrieval.search import MODES


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", nargs="+", default=["lexical", "dense", "hybrid"], choices=MODES)
    parser.add_argument("--misses", action="store_true", help="list the questions not answered at rank 1")
    args = parser.parse_args()
    for bench in benches():
        searcher = bench.searcher
        print(f"{bench.name}: {len(bench.questions)} questions, {len(searcher.passages)} passages")
        for mode in args.modes:
            report = evaluate(
                bench.questions, lambda q, m=mode, s=searcher: [h.passage.text for h in s.search(q, mode=m)]
            )
            recall = "  ".join(f"R@{k} {v:.3f}" for k, v in report.recall.items())
            print(f"  {mode:<8} {recall}  MRR@10 {report.mrr:.3f}")
            if args.misses:
                for miss in report.misses:
                    rank = miss["rank"] or "-"
                    print(f"      {miss['id']} rank {rank}: {miss['query']} | {miss['top'][:50]}")


if __name__ == "__main__":
    main()
