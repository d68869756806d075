"""A study-session leader's material: a passage in its context, a topic gathered across documents,
and a study pack printed or shared as Word or Markdown (on the core knowledge base)."""

from __future__ import annotations

import io
from urllib.parse import unquote

from docx import Document as WordDocument

from api.cli import main


def _digest(client, topic: str, **extra) -> dict:
    response = client.post("/study/digest", json={"topic": topic, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def _document_order(client, doc_id: str) -> list[str]:
    return [p["passage_id"] for p in client.get(f"/documents/{doc_id}/passages").json()]


def test_a_passage_comes_with_its_neighbours_and_its_section_heading(client):
    hit = client.post("/search", json={"query": "组织生活会每年召开几次"}).json()["results"][0]
    order = _document_order(client, hit["document_id"])
    body = client.get(f"/passages/{hit['passage_id']}/context", params={"before": 2, "after": 1}).json()
    at = order.index(hit["passage_id"])
    assert body["passage"]["passage_id"] == hit["passage_id"]
    assert [p["passage_id"] for p in body["before"]] == order[max(0, at - 2) : at]
    assert [p["passage_id"] for p in body["after"]] == order[at + 1 : at + 2]
    assert body["section_heading"] == " ".join(hit["heading_path"])


def test_context_stays_inside_the_document_and_unknown_passages_are_404(client):
    first = client.get("/documents").json()[0]
    order = _document_order(client, first["id"])
    body = client.get(f"/passages/{order[0]}/context", params={"before": 5, "after": 0}).json()
    assert body["before"] == [] and body["after"] == []
    missing = client.get("/passages/no-such-passage/context")
    assert missing.status_code == 404 and "未找到段落" in missing.json()["error"]["message"]


def test_a_digest_on_organisational_life_gathers_several_documents_each_text_once_in_order(client):
    body = _digest(client, "组织生活")
    groups = body["groups"]
    assert len(groups) >= 3
    ids = [p["passage_id"] for g in groups for p in g["passages"]]
    texts = [p["text"] for g in groups for p in g["passages"]]
    assert len(ids) == len(set(ids)) and len(texts) == len(set(texts))
    for group in groups:
        order = _document_order(client, group["document_id"])
        positions = [order.index(p["passage_id"]) for p in group["passages"]]
        assert positions == sorted(positions)  # in document order
        for p in group["passages"]:  # each treats the topic, and cites its document
            assert "组织生活" in p["text"] + " ".join(p["heading_path"])
            assert p["citation"].startswith(f"《{group['document_title']}》")


def test_a_digest_puts_the_constitution_and_regulations_before_the_work_plan(client):
    kinds = [g["doc_type"] for g in _digest(client, "组织生活")["groups"]]
    assert kinds[0] == "章程"
    assert kinds.index("工作要点") > max(i for i, k in enumerate(kinds) if k in ("条例", "细则"))


def test_a_digest_can_be_limited_to_some_documents(client):
    every = _digest(client, "纪律处分")["groups"]
    one = every[0]["document_id"]
    groups = _digest(client, "纪律处分", documents=[one], max_passages=3)["groups"]
    assert [g["document_id"] for g in groups] == [one]
    assert len(groups[0]["passages"]) <= 3


def test_a_topic_the_documents_do_not_treat_gives_an_empty_digest(client):
    assert _digest(client, "个人所得税专项附加扣除")["groups"] == []


def test_a_study_pack_of_chosen_passages_downloads_as_word_in_the_chosen_order(client):
    groups = _digest(client, "组织生活")["groups"]
    chosen = [groups[1]["passages"][0], groups[0]["passages"][0]]  # the leader's order, not the digest's
    response = client.post(
        "/study/export",
        json={"passage_ids": [p["passage_id"] for p in chosen], "format": "docx", "title": "十二月学习材料"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "十二月学习材料.docx"
    paragraphs = [p.text for p in WordDocument(io.BytesIO(response.content)).paragraphs]
    assert paragraphs[0] == "十二月学习材料"
    full = "\n".join(paragraphs)
    first, second = (full.index(p["citation"]) for p in chosen)
    assert first < second
    for p in chosen:
        assert p["text"].splitlines()[0] in full


def test_a_topic_exported_as_markdown_holds_every_passage_and_citation(client):
    digest = _digest(client, "组织生活")
    response = client.post("/study/export", json={"topic": "组织生活", "format": "markdown"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.content.decode()
    assert text.startswith("# 组织生活专题学习材料")
    for group in digest["groups"]:
        assert f"《{group['document_title']}》" in text
        for p in group["passages"]:
            assert p["citation"] in text
            assert all(line in text for line in p["text"].splitlines())


def test_an_export_names_what_is_wrong(client):
    unknown = client.post("/study/export", json={"passage_ids": ["no-such-passage"]})
    assert unknown.status_code == 404 and "no-such-passage" in unknown.json()["error"]["message"]
    neither = client.post("/study/export", json={"format": "docx"})
    assert neither.status_code == 422
    nothing = client.post("/study/export", json={"topic": "个人所得税专项附加扣除"})
    assert nothing.status_code == 404 and "未找到依据" in nothing.json()["error"]["message"]


def test_the_command_line_digests_a_topic_into_a_word_file(library, tmp_path, capsys):
    out = tmp_path / "组织生活.docx"
    args = ["--data", str(library.data_dir), "--model", str(library.model_path)]
    assert main([*args, "digest", "组织生活", "--out", str(out)]) == 0
    assert "已导出" in capsys.readouterr().out
    text = "\n".join(p.text for p in WordDocument(out).paragraphs)
    assert "《中国共产党章程》" in text and "组织生活" in text
    md = tmp_path / "pack.md"
    assert main([*args, "export", "--topic", "党费", "--out", str(md)]) == 0
    assert "——《" in md.read_text(encoding="utf-8")
