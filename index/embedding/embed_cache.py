"""Embeddings cached by (model, text): unchanged passages are never embedded twice."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm


def _key(model_id: str, text: str) -> str:
    return hashlib.sha1(f"{model_id}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")

    def close(self) -> None:
        self._db.close()

    def embed(
        self,
        model_id: str,
        texts: Sequence[str],
        compute: Callable[[list[str], Callable[[int], object]], np.ndarray],
        chunk: int = 256,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Vectors for `texts`, computing (in chunks, committed as they finish) only the missing ones.
        `compute(texts, done)` reports each batch it finishes to `done`: one progress bar for them all."""
        keys = [_key(model_id, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            batch = keys[i : i + 500]
            marks = ",".join("?" * len(batch))
            for key, blob in self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        text_of = dict(zip(keys, texts, strict=True))
        with tqdm(
            total=len(missing), desc="嵌入", unit="句", disable=not show_progress or not missing
        ) as bar:
            for i in range(0, len(missing), chunk):
                batch = missing[i : i + chunk]
                vectors = np.asarray(compute([text_of[k] for k in batch], bar.update), dtype=np.float32)
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                        [(k, v.tobytes()) for k, v in zip(batch, vectors, strict=True)],
                    )
                found.update(zip(batch, vectors, strict=True))
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys])
