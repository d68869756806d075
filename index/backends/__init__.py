"""Where a knowledge base keeps its index, chosen by configuration.

    DJKB_BACKEND=files   (default) generations of SQLite, term-count and FAISS files in the data folder
    DJKB_BACKEND=milvus  a Milvus engine shared by any number of replicas (index.backends.milvus):
                         DJKB_MILVUS_URI  a milvus-lite file (default DATA/milvus.db) or http://host:19530
                         DJKB_MILVUS_TOKEN, DJKB_MILVUS_PREFIX (collection names, default "djkb")

Either way a knowledge base reads a generation folder in its data folder: the files backend's own,
or the shared engine's live state copied there. What differs is where a built generation is
published and where the first-stage lexical and dense candidates come from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from index.retrieval.sources import CandidateSource, Rows
from index.storage import generations


class Backend(Protocol):
    name: str

    def live(self, data_dir: Path) -> Path | None:
        """The live generation's folder in `data_dir`, ready to read; None when nothing is ingested."""
        ...

    def writing(self, data_dir: Path) -> AbstractContextManager[None]:
        """Held by a writer (ingest, remove) from reading the live generation to publishing the next:
        writers take turns, readers never wait."""
        ...

    def publish(self, data_dir: Path, generation: Path) -> None:
        """Make the generation just built in `data_dir` the live one (within `writing`)."""
        ...

    def source(self) -> Callable[[Rows], CandidateSource] | None:
        """What serves a searcher's candidates; None: the generation's own files."""
        ...


class FileBackend:
    """The generation folders themselves, switched by the data folder's CURRENT file."""

    name = "files"

    def live(self, data_dir: Path) -> Path | None:
        return generations.current_generation(data_dir)

    def writing(self, data_dir: Path) -> AbstractContextManager[None]:
        return generations.writer_lock(data_dir)

    def publish(self, data_dir: Path, generation: Path) -> None:
        generations.publish(data_dir, generation)

    def source(self) -> None:
        return None


class BackendError(Exception):
    """The configured backend cannot be used; the message is for members."""


def backend_from_env(data_dir: Path, env: Mapping[str, str] = os.environ) -> Backend:
    name = env.get("DJKB_BACKEND", "files").strip().lower() or "files"
    if name == "files":
        return FileBackend()
    if name == "milvus":
        try:
            from index.backends.milvus import MilvusBackend
        except ImportError as exc:
            raise BackendError(
                f"DJKB_BACKEND=milvus 需要安装 pymilvus 与 milvus-lite（pip install -e '.[milvus]'）：{exc}"
            ) from exc
        uri = env.get("DJKB_MILVUS_URI") or str(data_dir / "milvus.db")
        return MilvusBackend(uri, env.get("DJKB_MILVUS_PREFIX", "djkb"), env.get("DJKB_MILVUS_TOKEN", ""))
    raise BackendError(f"未知的 DJKB_BACKEND：{name}（可用：files、milvus）")
