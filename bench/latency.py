"""Warm /search and /ask latency over HTTP, on core and library, with the dev questions as queries.

    .venv/bin/python -m bench.latency [--rounds 2]

Serves each benchmark knowledge base (bench/knowledge_bases.py) with uvicorn on a free local port and
times every dev question through POST /search and POST /ask, one client at a time; prints p50 / p95.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
import urllib.request

import uvicorn

from api.app import create_app
from bench.knowledge_bases import DEV, benches
from index.evaluation.metrics import load_questions


def serve(app) -> tuple[uvicorn.Server, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{sock.getsockname()[1]}"


def post(url: str, body: dict) -> float:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    queries = [q.query for q in load_questions(DEV)]
    print("| kb | passages | /search p50 ms | /search p95 ms | /ask p50 ms | /ask p95 ms |")
    print("|---|---|---|---|---|---|")
    for bench in benches():
        server, base = serve(create_app(bench.searcher.generation.parent.parent))
        post(f"{base}/search", {"query": "党员"})  # the first request loads nothing more, but warms caches
        times: dict[str, list[float]] = {"search": [], "ask": []}
        for _ in range(args.rounds):
            for query in queries:
                times["search"].append(post(f"{base}/search", {"query": query}))
                times["ask"].append(post(f"{base}/ask", {"question": query}))
        server.should_exit = True
        row = [f"{percentile(times[e], p):.0f}" for e in ("search", "ask") for p in (0.5, 0.95)]
        print(f"| {bench.name} | {len(bench.searcher.passages)} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
