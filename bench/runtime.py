"""The embedding model on ONNX Runtime against torch: query latency, passage throughput, agreement.

    .venv/bin/python -m bench.runtime

Embeds the 158 dev questions one at a time (as /search does) and their texts again as passages in
batches (as ingest does), on each runtime; prints ms per query, passages per second and the lowest
cosine between the two runtimes' vectors of the same text.
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
    print("| runtime | query ms (one at a time) | passages / s (batches of 32) |")
    print("|---|---|---|")
    for name in RUNTIMES:
        embedder = Embedder.load(runtime=name)
        embedder.embed_query("热身")
        started = time.perf_counter()
        for question in questions:
            embedder.embed_query(question)
        per_query = (time.perf_counter() - started) / len(questions) * 1000
        started = time.perf_counter()
        vectors[name] = embedder.embed_passages(passages)
        rate = len(passages) / (time.perf_counter() - started)
        print(f"| {name} | {per_query:.1f} | {rate:.0f} |")
    cosines = np.sum(vectors["onnx"] * vectors["torch"], axis=1)
    print(f"\nlowest cosine between the runtimes' vectors of the same text: {cosines.min():.6f}")


if __name__ == "__main__":
    main()
