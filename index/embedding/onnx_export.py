"""Export a sentence-transformers folder's encoder, mean pooling and normalisation to one ONNX graph.

ONNX Runtime embeds a short question nearly four times faster than torch on two cores (7.7 ms against
29.2 ms per query, bench/runtime.py), and the query embedding was most of a search's time. The graph
takes the tokenizer's ids and attention mask and returns the unit vectors sentence-transformers
would (cosine 1.0 within float rounding), so vectors cached by either runtime stay valid for both.
The export uses torch's TorchScript exporter on the local model: nothing is downloaded. Import this
module only to export (it imports torch; model_build imports it when it builds).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from index.embedding.model_build import onnx_path
from index.staged_file import staged

_OPSET = 17


def export_onnx(model_folder: Path) -> Path:
    """Write ``model_folder/onnx/model.onnx`` (written aside and renamed, so never half a file)."""
    from transformers import AutoModel

    target = onnx_path(model_folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    encoder = AutoModel.from_pretrained(str(model_folder), local_files_only=True, add_pooling_layer=False)
    pooled = _MeanPooled(encoder.eval())
    ids = torch.tensor([[0, 6, 2], [0, 6, 1]])  # any ids: both axes are declared dynamic below
    mask = torch.tensor([[1, 1, 1], [1, 1, 0]])
    with staged(target) as staging, torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's tracer and deprecation notices
        torch.onnx.export(
            pooled,
            (ids, mask),
            str(staging),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=_OPSET,
            dynamo=False,  # the TorchScript exporter needs no onnxscript and handles BERT well
        )
    return target


class _MeanPooled(torch.nn.Module):
    """The encoder's token states averaged over the real tokens, then L2-normalised (as the folder's
    Pooling(mean) and Normalize modules do)."""

    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        mean = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(mean, dim=-1)
