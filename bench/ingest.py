"""What getting documents in costs, through the `djkb ingest` command as a member runs it.

    .venv/bin/python -m bench.ingest [--kb core library]

For each knowledge base, in a fresh data folder (so nothing is cached): the full ingest, the same
files again (unchanged), one new document added, and that document removed; each a new process,
so model loading is counted as a member waits for it. Sentences per second count the dense units
of the full ingest; the index size is the live generation's files (the embedding cache beside it
is reported apart).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.knowledge_bases import sources
from index.storage.generations import DB_FILE, current_generation
from index.storage.store import Store

NOTICE = (
    "关于开展读书活动的通知\n\n各党支部：\n为深入学习党的二十大精神，决定在全局开展读书活动。\n"
    "每个党支部每月组织一次集中学习，党员每季度至少读一本书。\n"
)


def djkb(data: Path, *args: str) -> float:
    """Seconds one `djkb` command takes, process start to exit."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "api.cli", "--data", str(data), *args],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def measure(name: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix=f"djkb-bench-{name}-") as tmp:
        data, extra = Path(tmp) / "data", Path(tmp) / "通知.txt"
        paths = [str(p) for p in sources(name)]
        full = djkb(data, "ingest", *paths)
        live = current_generation(data)
        assert live is not None
        store = Store(live / DB_FILE)
        units, passages = len(store.unit_passages()), len(store.passages())
        store.close()
        index_mb, cache_mb = size_mb(live), size_mb(data / "cache")
        unchanged = djkb(data, "ingest", *paths)
        extra.write_text(NOTICE, encoding="utf-8")
        added = djkb(data, "ingest", str(extra))
        removed = djkb(data, "remove", "关于开展读书活动的通知")
    return {
        "passages": passages,
        "units": units,
        "full": full,
        "rate": units / full,
        "unchanged": unchanged,
        "added": added,
        "removed": removed,
        "index_mb": index_mb,
        "cache_mb": cache_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", nargs="+", default=["core", "library"], choices=["core", "library"])
    args = parser.parse_args()
    print(
        "| kb | passages | sentence units | full ingest s | units / s | unchanged re-ingest s "
        "| add one document s | remove it s | index MB | embedding cache MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in args.kb:
        m = measure(name)
        print(
            f"| {name} | {m['passages']:.0f} | {m['units']:.0f} | {m['full']:.1f} | {m['rate']:.0f} "
            f"| {m['unchanged']:.1f} | {m['added']:.1f} | {m['removed']:.1f} | {m['index_mb']:.1f} "
            f"| {m['cache_mb']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
