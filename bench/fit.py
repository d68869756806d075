"""Fit the ranking, quote and abstention models on the dev questions, cross-validated.

    .venv/bin/python -m bench.fit [--folds 5] [--seeds 1] [--write]

Prints the k-fold cross-validated figures for core and library (the ones to believe), then fits on
all questions; with --write the models go to index/fitted/*.json (shipped with the package). With
--seeds N the folds are also dealt N ways and each figure's mean and spread is printed. The
refusals of bench/data/near_domain.txt are measured too; no model is fitted on those questions.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from bench.knowledge_bases import benches, probes, unanswerable
from index.evaluation.crossval import Fitter, cross_validate, report
from index.fitted.linear import model_path


def table(title: str, rows: dict[str, dict[str, dict]]) -> str:
    named = {"answer_first_right": "first quote right", "answer_any_right": "any quote right"}
    named |= {"answer_refused": "wrongly refused", "answer_mean_first_quote": "first quote chars"}
    keys = ("n", "R@1", "R@3", "R@5", "R@10", "MRR@10", *named)
    heads = [named.get(k, k) for k in keys]
    lines = [
        f"### {title}",
        "",
        "| kb | questions | " + " | ".join(heads) + " |",
        "|---|---|" + "---|" * len(heads),
    ]
    for kb, kinds in rows.items():
        for kind, row in kinds.items():
            if kind.startswith("refused:"):
                continue
            lines.append(f"| {kb} | {kind} | " + " | ".join(str(row[k]) for k in keys) + " |")
    lines += ["", "| kb | unanswerable set | n | refused |", "|---|---|---|---|"]
    for kb, kinds in rows.items():
        for kind, row in kinds.items():
            if kind.startswith("refused:"):
                lines.append(f"| {kb} | {kind.removeprefix('refused:')} | {row['n']} | {row['refused']} |")
    return "\n".join(lines)


SPREAD = ("R@1", "R@5", "MRR@10", "answer_first_right", "answer_refused")


def spread(runs: list[dict[str, dict[str, dict]]]) -> str:
    """Mean and standard deviation of the main figures over differently dealt folds: how much of a
    difference between two runs is the folds' luck."""
    lines = [
        f"### Over {len(runs)} ways of dealing the folds (mean ± sd)",
        "",
        "| kb | " + " | ".join(SPREAD) + " | out-of-domain refused |",
        "|---|" + "---|" * (len(SPREAD) + 1),
    ]
    for kb in runs[0]:
        cells = []
        for key in SPREAD:
            values = np.array([run[kb]["all"][key] for run in runs])
            cells.append(f"{values.mean():.3f} ± {values.std():.3f}")
        refused = [
            np.array([run[kb][name]["refused"] for run in runs])
            for name in runs[0][kb]
            if name.startswith("refused:")
        ]
        cells.append(" / ".join(f"{v.mean():.3f} ± {v.std():.3f}" for v in refused))
        lines.append(f"| {kb} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the models fitted on all questions")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--seeds", type=int, default=1, help="also deal the folds this many ways; print each figure's spread"
    )
    args = parser.parse_args()
    started = time.time()
    found, sets, probed = benches(), unanswerable(), probes()
    flat = [q for qs in sets.values() for q in qs]
    fitter = Fitter(found, flat)
    runs = []
    for seed in range(args.seeds):
        outcomes = cross_validate(
            found, flat, args.folds, seed, fitter, [q for qs in probed.values() for q in qs]
        )
        runs.append({b.name: report(b, sets | probed, outcomes[b.name]) for b in found})
    rows = runs[0]
    print(
        json.dumps(rows, ensure_ascii=False)
        if args.json
        else table(f"{args.folds}-fold cross-validated", rows)
    )
    if args.seeds > 1:
        print("\n" + spread(runs))
    if args.write:
        ids = {q.id for b in found for q in b.questions} | {q.id for q in flat}
        models = fitter.fit(ids, "all dev.jsonl questions and both unanswerable sets, core + library")
        for name in ("ranker", "quotes", "abstain"):
            model_path(name).write_text(getattr(models, name).to_json(), encoding="utf-8")
        print("written:", ", ".join(str(model_path(n)) for n in ("ranker", "quotes", "abstain")))
    print(f"({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
