"""The folder's float32 ONNX graph with BERT's operators fused: the graph the ONNX runtime runs.

ONNX Runtime's transformer optimizer rewrites the exported graph's attention, GELU and layer
normalisation subgraphs into its fused CPU kernels (for e5-small: 12 Attention, 12 BiasGelu,
24 SkipLayerNormalization, one EmbedLayerNormalization). The arithmetic is the same (cosine 1.0 to
the plain graph, within float rounding, so cached vectors stay valid) and a question is embedded in
about a third less time (14.4 → 9.9 ms, bench/runtime.py). The plain graph stays beside it: the
int8 quantizer reads that one, as it cannot type the fused operators. Offline: the optimizer ships
with onnxruntime.
"""

from __future__ import annotations

import logging
from pathlib import Path

from index.embedding.model_build import onnx_path
from index.staged_file import staged


def fuse_onnx(model_folder: Path) -> Path:
    """Write ``model_folder/onnx/model_fused.onnx`` from its plain float32 graph (aside, then renamed)."""
    from onnxruntime.transformers.optimizer import optimize_model

    source, target = onnx_path(model_folder), onnx_path(model_folder, "fused")
    quiet = logging.getLogger("onnxruntime.transformers")  # one line per fusion it looks for
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        # Heads and width 0: read from the graph. opt_level 1: ONNX Runtime's basic rewrites first.
        fused = optimize_model(str(source), model_type="bert", num_heads=0, hidden_size=0, opt_level=1)
        with staged(target) as staging:
            fused.save_model_to_file(str(staging))
    finally:
        quiet.setLevel(level)
    return target
