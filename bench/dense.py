"""Flat against compressed and approximate FAISS indexes, on a live generation's dense vectors.

    .venv/bin/python -m bench.dense DATA_DIR [DATA_DIR...]

For each knowledge base (a djkb data folder), the dev questions embedded as queries search its
sentence units for the DENSE_CANDIDATES nearest, as every query does; per index: ms per query (one
at a time, as a server searches), the share of flat's nearest 400 and nearest 10 it finds, and MB.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from bench.knowledge_bases import DEV
from index.embedding.embedder import Embedder
from index.evaluation.metrics import load_questions
from index.retrieval.search import DENSE_CANDIDATES
from index.storage.generations import DENSE_FILE, current_generation


def candidates(vectors: np.ndarray) -> list[tuple[str, faiss.Index, faiss.SearchParameters | None]]:
    """(name, index, search parameters) of each index compared: the graph and inverted-file indexes
    at several search depths, each built once."""
    n, dim = vectors.shape
    flat = faiss.IndexFlatIP(dim)
    fp16 = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    int8 = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    lists = max(1, int(4 * np.sqrt(n)))
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
    for index in (flat, fp16, int8, hnsw, ivf):
        if not index.is_trained:
            index.train(vectors)
        index.add(vectors)
    return [
        ("flat", flat, None),
        ("sq fp16", fp16, None),
        ("sq int8", int8, None),
        *[
            (f"hnsw32 ef{ef}", hnsw, faiss.SearchParametersHNSW(efSearch=ef))
            for ef in (DENSE_CANDIDATES, 2 * DENSE_CANDIDATES, 4 * DENSE_CANDIDATES)
        ],
        *[
            (f"ivf{lists} nprobe{probes}", ivf, faiss.SearchParametersIVF(nprobe=probes))
            for probes in (max(1, lists // 16), max(1, lists // 4))
        ],
    ]


def size_mb(index: faiss.Index) -> float:
    with tempfile.NamedTemporaryFile() as f:
        faiss.write_index(index, f.name)
        return Path(f.name).stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", type=Path)
    args = parser.parse_args()
    faiss.omp_set_num_threads(2)
    queries = Embedder.load().embed_queries([q.query for q in load_questions(DEV)])
    print("| kb | units | index | ms per query | nearest 400 found | nearest 10 found | MB |")
    print("|---|---|---|---|---|---|---|")
    for data in args.data:
        live = current_generation(data)
        assert live is not None, f"nothing ingested in {data}"
        stored = faiss.read_index(str(live / DENSE_FILE))
        vectors = stored.reconstruct_n(0, stored.ntotal)
        truth = None
        for name, index, params in candidates(vectors):
            found, started = [], time.perf_counter()
            for q in queries:
                found.append(index.search(q.reshape(1, -1), DENSE_CANDIDATES, params=params)[1][0])
            ms = (time.perf_counter() - started) / len(queries) * 1000
            truth = truth or found
            share = [
                np.mean([len(set(f[:k]) & set(t[:k])) / k for f, t in zip(found, truth, strict=True)])
                for k in (400, 10)
            ]
            print(
                f"| {data.name} | {len(vectors)} | {name} | {ms:.1f} | {share[0]:.3f} | {share[1]:.3f} "
                f"| {size_mb(index):.0f} |"
            )


if __name__ == "__main__":
    main()
