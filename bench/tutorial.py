"""The tutorial RAG pipeline djkb is compared with: LangChain's recursive splitter (500 characters,
50 overlap), rank_bm25 over jieba tokens, a flat FAISS index of the same model's vectors, and
reciprocal rank fusion of the two lists.

    .venv/bin/python -m bench.tutorial WORK QUERIES.jsonl PATH...

Reads the files with djkb's readers (so both pipelines index the same text), builds its index in
WORK, answers every query and prints one JSON line: ingest seconds, chunks, query p50 / p95 ms,
peak RSS MB and index MB. Run as its own process so its memory is its own.
"""

from __future__ import annotations

import json
import pickle
import resource
import sys
import time
from pathlib import Path

import faiss
import jieba
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter
from rank_bm25 import BM25Okapi

from bench.latency import percentile
from index.embedding.embedder import Embedder
from index.evaluation.metrics import load_questions
from ingest.loader import IngestError, expand_paths, load_document

CANDIDATES = 50
RRF_K = 60


def build(work: Path, paths: list[Path], embedder: Embedder) -> tuple[list[str], BM25Okapi, faiss.Index]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=500, chunk_overlap=50, separators=["\n\n", "\n", "。", "；", "，", ""]
    )
    chunks: list[str] = []
    for path in expand_paths(paths):
        try:
            chunks += splitter.split_text(load_document(path).text)
        except IngestError:
            continue
    bm25 = BM25Okapi([jieba.lcut(chunk) for chunk in chunks])
    vectors = embedder.embed_passages(chunks)
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
    work.mkdir(parents=True, exist_ok=True)
    faiss.write_index(dense, str(work / "dense.faiss"))
    (work / "bm25.pickle").write_bytes(pickle.dumps((chunks, bm25)))
    return chunks, bm25, dense


def search(query: str, bm25: BM25Okapi, dense: faiss.Index, embedder: Embedder) -> list[int]:
    lexical = np.argsort(-bm25.get_scores(jieba.lcut(query)))[:CANDIDATES]
    _, nearest = dense.search(embedder.embed_query(query).reshape(1, -1), CANDIDATES)
    fused: dict[int, float] = {}
    for ranked in (lexical, nearest[0]):
        for rank, row in enumerate(ranked):
            fused[int(row)] = fused.get(int(row), 0.0) + 1 / (RRF_K + rank + 1)
    return sorted(fused, key=lambda row: -fused[row])[:10]


def main() -> None:
    work, queries_file, paths = Path(sys.argv[1]), Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
    embedder = Embedder.load()
    started = time.perf_counter()
    chunks, bm25, dense = build(work, paths, embedder)
    ingest = time.perf_counter() - started
    queries = [q.query for q in load_questions(queries_file)]
    search(queries[0], bm25, dense, embedder)  # warm
    times = []
    for query in queries:
        started = time.perf_counter()
        search(query, bm25, dense, embedder)
        times.append((time.perf_counter() - started) * 1000)
    index_mb = sum(f.stat().st_size for f in work.iterdir()) / 1e6
    print(
        json.dumps(
            {
                "ingest": ingest,
                "chunks": len(chunks),
                "p50": percentile(times, 0.5),
                "p95": percentile(times, 0.95),
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "index_mb": index_mb,
            }
        )
    )


if __name__ == "__main__":
    main()
