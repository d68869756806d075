"""The benchmark table: getting documents in, starting, answering, under load, at four sizes.

    .venv/bin/python -m bench.scale [--kb core library 10x 100x] [--work DIR] [--reuse] [--no-tutorial]

Knowledge bases: core (1×), library (core + the saved pages), and core made 10 and 100 times larger
by bench/scaled_corpus.py (unique sentences, so the embedding cache hides nothing). For each, in a
fresh data folder under WORK and each step a `djkb` process as a member runs it:

- full ingest (and dense units embedded per second), the same files again (unchanged), one new
  document added, and removed again;
- cold start: `djkb serve` started until its first /search is answered;
- warm /search and /ask p50 / p95 over HTTP, one client, the dev questions as queries;
- 8 concurrent clients: requests answered per second, /search and /ask apart;
- the server's peak RSS after all of that, and the live index's size on disk (cache apart);
- the tutorial pipeline (bench/tutorial.py) on the same files and queries, as ratios to djkb.

`--reuse` keeps a data folder a previous run ingested (the full ingest is then not measured again).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.knowledge_bases import DEV, sources
from bench.latency import percentile, post
from bench.scaled_corpus import write_scaled
from index.evaluation.metrics import load_questions
from index.storage.generations import DB_FILE, current_generation
from index.storage.store import Store

NOTICE = (
    "关于开展读书活动的通知\n\n各党支部：\n为深入学习党的二十大精神，决定在全局开展读书活动。\n"
    "每个党支部每月组织一次集中学习，党员每季度至少读一本书。\n"
)
CLIENTS = 8
KBS = ("core", "library", "10x", "100x")


def corpus(name: str, work: Path) -> list[Path]:
    """The files of knowledge base `name`; a scaled corpus is written on first use and kept."""
    if not name.endswith("x"):
        return sources(name)
    folder = work / f"corpus-{name}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_scaled(folder, int(name[:-1]))
        (folder / ".complete").touch()
    return [*sources("core"), folder]


def djkb(data: Path, *args: str) -> float:
    """Seconds one `djkb` command takes, process start to exit."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "api.cli", "--data", str(data), *args], check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ingest_figures(data: Path, paths: list[str], reuse: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    if not (reuse and current_generation(data) is not None):
        shutil.rmtree(data, ignore_errors=True)
        figures["full"] = djkb(data, "ingest", *paths)
    live = current_generation(data)
    assert live is not None, "nothing ingested"
    store = Store(live / DB_FILE)
    figures["units"], figures["passages"] = len(store.unit_passages()), len(store.passages())
    store.close()
    figures["index_mb"], figures["cache_mb"] = size_mb(live), size_mb(data / "cache")
    figures["unchanged"] = djkb(data, "ingest", *paths)
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp) / "通知.txt"
        extra.write_text(NOTICE, encoding="utf-8")
        figures["added"] = djkb(data, "ingest", str(extra))
    figures["removed"] = djkb(data, "remove", "关于开展读书活动的通知")
    return figures


def serving_figures(data: Path, queries: list[str]) -> dict[str, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data", str(data), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                post(f"{base}/search", {"query": "党员"})
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None:
                    raise RuntimeError("djkb serve exited") from None
                time.sleep(0.05)
        figures = {"cold": time.perf_counter() - started}
        for endpoint, field in (("search", "query"), ("ask", "question")):
            times = [post(f"{base}/{endpoint}", {field: q}) for q in queries]
            figures[f"{endpoint}_p50"], figures[f"{endpoint}_p95"] = (
                percentile(times, 0.5),
                percentile(times, 0.95),
            )
            load = queries * 2
            started = time.perf_counter()
            with ThreadPoolExecutor(CLIENTS) as clients:
                list(clients.map(lambda q: post(f"{base}/{endpoint}", {field: q}), load))  # noqa: B023
            figures[f"{endpoint}_qps"] = len(load) / (time.perf_counter() - started)
        figures["rss_mb"] = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait()
    return figures


def tutorial_figures(work: Path, paths: list[str]) -> dict[str, float]:
    folder = work / "tutorial"
    shutil.rmtree(folder, ignore_errors=True)
    out = subprocess.run(
        [sys.executable, "-m", "bench.tutorial", str(folder), str(DEV), *paths],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", nargs="+", default=list(KBS), choices=KBS)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "djkb-scale")
    parser.add_argument("--reuse", action="store_true", help="keep data folders a previous run ingested")
    parser.add_argument("--no-tutorial", action="store_true")
    args = parser.parse_args()
    queries = [q.query for q in load_questions(DEV)]
    rows = []
    for name in args.kb:
        work = args.work / name
        paths = [str(p) for p in corpus(name, args.work)]
        m = ingest_figures(work / "data", paths, args.reuse) | serving_figures(work / "data", queries)
        t = {} if args.no_tutorial else tutorial_figures(work, paths)
        rows.append((name, m, t))
        print(json.dumps({"kb": name, "djkb": m, "tutorial": t}, ensure_ascii=False), flush=True)
    print_tables(rows)


def print_tables(rows: list[tuple[str, dict[str, float], dict[str, float]]]) -> None:
    def cell(value: float | None, digits: int = 1) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    print(
        "\n| kb | passages | units | full ingest s | units / s | unchanged s | add one s | remove s "
        "| cold start s | /search p50 / p95 ms | /ask p50 / p95 ms | 8 clients /search, /ask per s "
        "| peak RSS MB | index MB | cache MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, m, _ in rows:
        full = m.get("full")
        print(
            f"| {name} | {m['passages']:.0f} | {m['units']:.0f} | {cell(full)} "
            f"| {cell(m['units'] / full if full else None, 0)} | {m['unchanged']:.1f} | {m['added']:.1f} "
            f"| {m['removed']:.1f} | {m['cold']:.1f} | {m['search_p50']:.0f} / {m['search_p95']:.0f} "
            f"| {m['ask_p50']:.0f} / {m['ask_p95']:.0f} | {m['search_qps']:.0f}, {m['ask_qps']:.0f} "
            f"| {m['rss_mb']:.0f} | {m['index_mb']:.1f} | {m['cache_mb']:.1f} |"
        )
    compared = [(name, m, t) for name, m, t in rows if t]
    if not compared:
        return
    print(
        "\n| kb | tutorial chunks | tutorial ingest s | ÷ djkb | tutorial search p50 / p95 ms "
        "| djkb /search p50 ÷ tutorial | tutorial RSS MB | djkb ÷ tutorial | tutorial index MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, m, t in compared:
        full = m.get("full")
        print(
            f"| {name} | {t['chunks']} | {t['ingest']:.1f} | {cell(t['ingest'] / full if full else None, 2)} "
            f"| {t['p50']:.0f} / {t['p95']:.0f} | {m['search_p50'] / t['p50']:.2f} | {t['rss_mb']:.0f} "
            f"| {m['rss_mb'] / t['rss_mb']:.2f} | {t['index_mb']:.1f} |"
        )


if __name__ == "__main__":
    main()
