"""Dense text embeddings from a local sentence-transformers folder (default: multilingual-e5-small)."""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

# Importing model_build also puts the hub libraries offline (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE) before
# they are first imported, lazily, below; local_files_only=True is the guard that does not depend on order.
from index.embedding.model_build import ensure_default_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

BATCH_SIZE = 32
# Prompt names by role, in order of preference; the first the model defines (non-empty) is used.
_PROMPT_NAMES = {"query": ("query",), "passage": ("passage", "document", "corpus")}


class Embedder:
    """L2-normalised float32 embeddings for queries and passages.

    Queries get the model's "query" prompt, passages its "passage" (else "document" or "corpus")
    prompt, when it defines them (e5: "query: ", "passage: "); a model without prompts embeds the
    texts as given.
    """

    def __init__(self, model: SentenceTransformer, model_path: Path) -> None:
        self.model = model
        # Every model call runs on this one thread: torch's OpenMP pool is per calling thread, and
        # the web server's request threads would each pay for a fresh pool (seconds per query).
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="djkb-model")
        self.model_path = model_path
        self.model_id = _model_id(model_path)
        dim = model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"cannot tell the embedding dimension of the model in {model_path}")
        self._dim = dim
        self._prompt_names = {
            role: next((name for name in names if model.prompts.get(name)), None)
            for role, names in _PROMPT_NAMES.items()
        }

    @classmethod
    def load(cls, model_path: Path | None = None) -> Embedder:
        """Load ``model_path``, else $DJKB_MODEL, else the default model (built on first use)."""
        if model_path is None:
            env_path = os.environ.get("DJKB_MODEL")
            model_path = Path(env_path) if env_path else ensure_default_model()
        if not model_path.is_dir():  # else sentence-transformers would take it for a hub model name
            raise FileNotFoundError(f"embedding model folder not found: {model_path}")
        _use_available_cores()
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        return cls(model, model_path)

    @property
    def dim(self) -> int:
        return self._dim

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "query", show_progress=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return self._embed(texts, "passage", show_progress=show_progress)

    def _embed(self, texts: Sequence[str], role: str, *, show_progress: bool) -> np.ndarray:
        """Embed in batches, each its own job on the model thread, so that a query arriving during a
        long ingest waits for one batch, not for the whole ingest."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        with tqdm(total=len(texts), desc="嵌入", unit="句", disable=not show_progress) as bar:
            for i in range(0, len(order), BATCH_SIZE):
                rows = order[i : i + BATCH_SIZE]
                out[rows] = self._worker.submit(
                    self.model.encode,
                    [texts[r] for r in rows],
                    prompt_name=self._prompt_names[role],
                    batch_size=BATCH_SIZE,
                    show_progress_bar=False,
                    convert_to_numpy=True,
                    normalize_embeddings=True,  # a model without a Normalize module still gives unit vectors
                ).result()
                bar.update(len(rows))
        return out


def _model_id(model_path: Path) -> str:
    """Folder name plus a hash of its configuration files, to key embedding caches.

    The configs pin architecture, tokenizer, pooling and prompts; weights are not hashed (hundreds of
    MB), so a model retrained in place under the same folder name needs a new name.
    """
    digest = hashlib.sha256()
    for path in sorted(model_path.rglob("*.json")):
        digest.update(path.relative_to(model_path).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return f"{model_path.resolve().name}@{digest.hexdigest()[:12]}"


def _use_available_cores() -> None:
    """Cap torch's intra-op threads at the container's CPU quota, unless OMP_NUM_THREADS is set.

    torch already follows CPU affinity (2 threads on a 2-core machine: measured fastest here, twice
    the passage throughput of 1), but not a cgroup quota such as docker --cpus=2 on a 64-core host,
    where its default would oversubscribe the quota many times over.
    """
    if "OMP_NUM_THREADS" in os.environ:
        return
    try:  # cgroup v2: "<quota> <period>" in microseconds, or "max <period>"
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text(encoding="ascii").split()
        cpus = math.ceil(int(quota) / int(period))
    except (OSError, ValueError):  # no cgroup v2 file, or "max": no quota
        return
    import torch

    if cpus < torch.get_num_threads():
        torch.set_num_threads(max(1, cpus))
