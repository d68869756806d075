"""Data directory layout and the atomic switch between index generations.

    DATA/CURRENT                 name of the live generation (replaced atomically)
    DATA/generations/<name>/     djkb.sqlite + lexical.npz + dense.faiss, never modified once live
    DATA/cache/embeddings.sqlite embeddings by (model, text), shared by all generations
    DATA/ingest.lock             one writer at a time

Readers resolve CURRENT and open that folder; a writer builds a new folder beside it and
replaces CURRENT in one rename, so a crash at any moment leaves the previous state live.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

DB_FILE = "djkb.sqlite"
DENSE_FILE = "dense.faiss"
LEXICAL_FILE = "lexical.npz"  # term counts (index.storage.term_counts)
KEEP = 2  # the live generation and its predecessor (a reader may still be opening it)


def generations_dir(data_dir: Path) -> Path:
    return data_dir / "generations"


def data_dir_of(generation: Path) -> Path:
    """The data directory a generation folder lives in (DATA/generations/<name>)."""
    return generation.parent.parent


def embedding_cache_path(data_dir: Path) -> Path:
    return data_dir / "cache" / "embeddings.sqlite"


def current_generation(data_dir: Path) -> Path | None:
    try:
        name = (data_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = generations_dir(data_dir) / name
    return path if (path / DB_FILE).exists() else None


def new_generation(data_dir: Path) -> Path:
    """A fresh folder for a generation being built (not visible to readers until published)."""
    name = f"g{time.time_ns():020d}"  # sortable: writers are serialised by writer_lock
    path = generations_dir(data_dir) / name
    path.mkdir(parents=True)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(data_dir: Path, generation: Path) -> None:
    """Make `generation` the live one: fsync its files, then replace CURRENT in one rename."""
    for file in generation.iterdir():
        with open(file, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(generation)
    tmp = data_dir / f"CURRENT.{uuid.uuid4().hex[:6]}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(generation.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, data_dir / "CURRENT")
    _fsync_dir(data_dir)
    prune(data_dir, generation)


def prune(data_dir: Path, live: Path, *, crashed: bool = True) -> None:
    """Remove generations older than the last KEEP up to `live`, and (by the writer, `crashed`)
    leftovers of crashed builds after it."""
    folders = list(generations_dir(data_dir).iterdir())
    older = sorted(p for p in folders if p.name < live.name)
    after = [p for p in folders if p.name > live.name] if crashed else []
    for folder in older[: len(older) - (KEEP - 1)] + after:
        shutil.rmtree(folder, ignore_errors=True)
    for tmp in data_dir.glob("CURRENT.*.tmp"):
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def writer_lock(data_dir: Path) -> Iterator[None]:
    """Serialise writers (ingest, remove) across processes; readers never wait."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "ingest.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
