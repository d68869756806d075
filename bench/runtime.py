"""The embedding model on ONNX Runtime (float32, 4-bit weights, int8) against torch: latency,
throughput, agreement.

    .venv/bin/python -m bench.runtime

Embeds the 158 dev questions one at a time (as /search does) and their texts again as passages in
batches (as ingest does), on each runtime; prints ms per query, passages per second, the model's
load time and the lowest cosine between each runtime's vectors and torch's of the same text.
"""

from __future__ import annotations

import time

import numpy as np

from bench.knowledge_bases import DEV
from index.embedding.embedder import RUNTIMES, Embedder
from index.evaluation.metrics import load_questions


def main() -> None:
    questions = [q.query for q in load_questions(DEV)]
    passages = [*questions, *(q + "，" + q for q in questions)]  # two lengths, as sentences vary
    vectors = {}
    rows = []
    for name in RUNTIMES:
        embedder = Embedder.load(runtime=name)
        started = time.perf_counter()
        embedder.embed_query("热身")
        load = time.perf_counter() - started
        started = time.perf_counter()
        for question in questions:
            embedder.embed_queries([question])  # the model, not the recent questions kept
        per_query = (time.perf_counter() - started) / len(questions) * 1000
        started = time.perf_counter()
        vectors[name] = embedder.embed_passages(passages)
        rate = len(passages) / (time.perf_counter() - started)
        rows.append((name, per_query, rate, load))
    print("| runtime | ms per query | passages / s (batches of 32) | load s | lowest cosine to torch |")
    print("|---|---|---|---|---|")
    for name, per_query, rate, load in rows:
        cosine = np.sum(vectors[name] * vectors["torch"], axis=1).min()
        print(f"| {name} | {per_query:.1f} | {rate:.0f} | {load:.1f} | {cosine:.4f} |")


if __name__ == "__main__":
    main()
