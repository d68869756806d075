"""Dense text embeddings from a local sentence-transformers folder (default: multilingual-e5-small).

The folder runs on ONNX Runtime when it holds the exported graph (index.embedding.onnx_export) and
onnxruntime is installed, else on torch; $DJKB_RUNTIME=onnx|onnx-q4|onnx-int8|torch chooses explicitly.
`onnx-q4` keeps the model's matrices as its 4-bit blocks (index.embedding.weight_blocks): a question
11–15 % faster at cosine 0.99995, but the cross-validated refusals of out-of-domain questions moved
by more than the 0.01 allowed, so it is not the default. The int8 graph (index.embedding.quantize)
embeds twice as fast but answers worse (bench/RESULTS.md). Both are only ever run when asked for.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

# Importing model_build also puts the hub libraries offline (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE) before
# they are first imported, lazily, below; local_files_only=True is the guard that does not depend on order.
from index.embedding.model_build import ensure_default_model, onnx_path
from index.embedding.runtimes import OnnxRuntime, Runtime, TorchRuntime, folder_json

BATCH_SIZE = 32
# Questions whose vectors are kept: the web page sends each question to /search and /ask at once, and
# members ask the same questions again.
RECENT_QUESTIONS = 256
# Prompt names by role, in order of preference; the first the model defines (non-empty) is used.
_PROMPT_NAMES = {"query": ("query",), "passage": ("passage", "document", "corpus")}
RUNTIMES = ("onnx", "onnx-q4", "onnx-int8", "torch")
# Vectors of the int8 graph differ from float32 ones (cosine ≥ 0.993): they are cached and indexed apart.
_QUANTIZED_ID = "+int8"


class Embedder:
    """L2-normalised float32 embeddings for queries and passages.

    Queries get the model's "query" prompt, passages its "passage" (else "document" or "corpus")
    prompt, when it defines them (e5: "query: ", "passage: "); a model without prompts embeds the
    texts as given.
    """

    def __init__(
        self, runtime: Runtime | Callable[[], Runtime], model_path: Path, *, quantized: bool = False
    ) -> None:
        """`runtime`, or what makes it on first use: a rebuild that finds every vector in the cache
        (removing a document, an unchanged re-ingest) never waits for the model to load. `quantized`:
        it runs the folder's int8 graph."""
        self._runtime = runtime if hasattr(runtime, "encode") else None
        self._make = None if self._runtime is not None else runtime
        self._loading = threading.Lock()
        # Every model call runs on this one thread: torch's OpenMP pool is per calling thread, and
        # the web server's request threads would each pay for a fresh pool (seconds per query).
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="djkb-model")
        self._questions: OrderedDict[str, Future[np.ndarray]] = OrderedDict()
        self._questions_lock = threading.Lock()
        self.model_path = model_path
        self.model_id = _model_id(model_path) + (_QUANTIZED_ID if quantized else "")
        prompts = _prompts(model_path)
        self._prompts = {
            role: next((prompts[name] for name in names if prompts.get(name)), "")
            for role, names in _PROMPT_NAMES.items()
        }

    @property
    def runtime(self) -> Runtime:
        with self._loading:
            if self._runtime is None:
                assert self._make is not None
                self._runtime = self._make()
            return self._runtime

    def preload(self) -> None:
        """Load the model on its thread in the background: an ingest reads its files meanwhile, and
        its first batch waits only for what is left of the loading."""
        self._worker.submit(lambda: self.runtime)

    @property
    def dim(self) -> int:
        return self.runtime.dim

    @classmethod
    def load(cls, model_path: Path | None = None, runtime: str | None = None) -> Embedder:
        """Load ``model_path``, else $DJKB_MODEL, else the default model (built on first use), on
        ``runtime``, else $DJKB_RUNTIME, else ONNX where the folder has the float32 graph."""
        if model_path is None:
            env_path = os.environ.get("DJKB_MODEL")
            model_path = Path(env_path) if env_path else ensure_default_model()
        if not model_path.is_dir():  # else sentence-transformers would take it for a hub model name
            raise FileNotFoundError(f"embedding model folder not found: {model_path}")
        runtime = runtime or os.environ.get("DJKB_RUNTIME") or None
        if runtime not in (None, *RUNTIMES):
            raise ValueError(f"unknown embedding runtime {runtime!r}: expected one of {', '.join(RUNTIMES)}")
        if runtime is None and onnx_path(model_path).is_file() and _has_onnxruntime():
            runtime = "onnx"
        if runtime in ("onnx", "onnx-q4", "onnx-int8"):
            graph = onnx_path(model_path)
            if not graph.is_file():
                raise FileNotFoundError(f"no ONNX graph in the model folder: {graph}")
            graph = {"onnx-q4": _blocks, "onnx-int8": _quantized}.get(runtime, _fused)(model_path)
            make = functools.partial(OnnxRuntime, model_path, graph, _available_cores())
            return cls(make, model_path, quantized=runtime == "onnx-int8")
        _cap_torch_threads()
        return cls(functools.partial(TorchRuntime, model_path), model_path)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "query")

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector (read-only). A question among the last RECENT_QUESTIONS is not embedded
        again, and one being embedded for another request is waited for."""
        with self._questions_lock:
            future = self._questions.get(text)
            if future is None:
                future = self._worker.submit(self._question_vector, self.runtime, text)
                self._questions[text] = future
                if len(self._questions) > RECENT_QUESTIONS:
                    self._questions.popitem(last=False)
            else:
                self._questions.move_to_end(text)
        try:
            return future.result()
        except BaseException:
            with self._questions_lock:  # a failure is not remembered: the next request tries again
                if self._questions.get(text) is future:
                    del self._questions[text]
            raise

    def _question_vector(self, runtime: Runtime, text: str) -> np.ndarray:
        vector = np.array(runtime.encode([self._prompts["query"] + text])[0], dtype=np.float32)
        vector.setflags(write=False)  # shared by every request that asks it
        return vector

    def embed_passages(self, texts: Sequence[str], done: Callable[[int], object] | None = None) -> np.ndarray:
        """Passage vectors; `done` hears how many texts each finished batch held (a progress bar)."""
        return self._embed(texts, "passage", done)

    def _embed(
        self, texts: Sequence[str], role: str, done: Callable[[int], object] | None = None
    ) -> np.ndarray:
        """Embed in batches, each its own job on the model thread, so that a query arriving during a
        long ingest waits for one batch, not for the whole ingest."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        prompt = self._prompts[role]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        for i in range(0, len(order), BATCH_SIZE):
            rows = order[i : i + BATCH_SIZE]
            batch = [prompt + texts[r] for r in rows]
            out[rows] = self._worker.submit(self.runtime.encode, batch).result()
            if done is not None:
                done(len(rows))
        return out


def _prompts(model_path: Path) -> dict[str, str]:
    return folder_json(model_path / "config_sentence_transformers.json").get("prompts") or {}


def _quantized(model_path: Path) -> Path:
    """The folder's int8 graph, quantized from its float32 one on first use (15 s, offline)."""
    graph = onnx_path(model_path, "int8")
    if not graph.is_file():
        from index.embedding.quantize import quantize_onnx

        quantize_onnx(model_path)
    return graph


def _fused(model_path: Path) -> Path:
    """The folder's float32 graph with its operators fused, made from the plain one on first use
    (a few seconds, offline)."""
    graph = onnx_path(model_path, "fused")
    if not graph.is_file():
        from index.embedding.fuse import fuse_onnx

        fuse_onnx(model_path)
    return graph


def _blocks(model_path: Path) -> Path:
    """The folder's fused graph with its matrices as 4-bit blocks, made from the fused one on first use."""
    graph = onnx_path(model_path, "blocks")
    if not graph.is_file():
        from index.embedding.weight_blocks import block_onnx

        _fused(model_path)
        block_onnx(model_path)
    return graph


def _has_onnxruntime() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None


def _model_id(model_path: Path) -> str:
    """Folder name plus a hash of its configuration files, to key embedding caches.

    The configs pin architecture, tokenizer, pooling and prompts; weights are not hashed (hundreds of
    MB), so a model retrained in place under the same folder name needs a new name. Nor is the ONNX
    graph: it holds the same model, and it and torch give the same vectors; the 4-bit blocks' are
    within cosine 0.9999 of them (int8 activations), where the int8 graph's are 0.993 and keyed apart.
    """
    digest = hashlib.sha256()
    for path in sorted(model_path.rglob("*.json")):
        digest.update(path.relative_to(model_path).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return f"{model_path.resolve().name}@{digest.hexdigest()[:12]}"


def _available_cores() -> int:
    """The CPUs this process may use: its affinity, capped by a cgroup v2 quota (docker --cpus=2 on a
    64-core host), which neither torch nor ONNX Runtime reads; OMP_NUM_THREADS, when set, wins."""
    if threads := os.environ.get("OMP_NUM_THREADS", "").strip():
        return max(1, int(threads))
    cpus = len(os.sched_getaffinity(0))
    try:  # cgroup v2: "<quota> <period>" in microseconds, or "max <period>"
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text(encoding="ascii").split()
        cpus = min(cpus, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):  # no cgroup v2 file, or "max": no quota
        pass
    return max(1, cpus)


def _cap_torch_threads() -> None:
    """torch already follows CPU affinity (2 threads on a 2-core machine: measured fastest here, twice
    the passage throughput of 1), but not a cgroup quota, where its default would oversubscribe."""
    if "OMP_NUM_THREADS" in os.environ:
        return
    import torch

    if (cpus := _available_cores()) < torch.get_num_threads():
        torch.set_num_threads(cpus)
