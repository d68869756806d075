"""The two ways to run a sentence-transformers folder: ONNX Runtime (fast) and torch (the fallback).

Both take texts with their prompt already in front and return L2-normalised float32 vectors; the
ONNX graph (index.embedding.onnx_export) holds the same encoder, mean pooling and normalisation as
the folder's modules, and its tokenizer is the folder's tokenizer.json with the same truncation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


class Runtime(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class TorchRuntime:
    name = "torch"

    def __init__(self, model_path: Path) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"cannot tell the embedding dimension of the model in {model_path}")
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.encode(
            list(texts),
            batch_size=max(1, len(texts)),
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,  # a model without a Normalize module still gives unit vectors
        )


class OnnxRuntime:
    name = "onnx"

    def __init__(self, model_path: Path, onnx_file: Path, threads: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        settings, config, tokenizer_config = (
            folder_json(model_path / name)
            for name in ("sentence_bert_config.json", "config.json", "tokenizer_config.json")
        )
        # As sentence-transformers truncates: its own setting, else the tokenizer's, within the positions.
        limit = settings.get("max_seq_length") or tokenizer_config.get("model_max_length") or 512
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.enable_truncation(min(int(limit), int(config.get("max_position_embeddings", limit))))
        self.tokenizer.enable_padding(pad_id=int(config.get("pad_token_id") or 0))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return vectors.astype(np.float32, copy=False)


def folder_json(path: Path) -> dict:
    """A settings file of the model folder ({} where the folder has none)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
