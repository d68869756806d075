"""The HTTP API as clients use it: health, search, documents, outlines, passages, errors."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from index.retrieval.search import Searcher

PLAN_TITLE = "2022年市商务局党的建设工作要点"


def test_health_counts_documents_and_passages(client):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["documents"] == 6
    assert body["passages"] > 300


def test_theme_party_day_question_finds_the_plan_item_in_top_3(client):
    body = client.post("/search", json={"query": "主题党日活动要包括哪些内容"}).json()
    top3 = body["results"][:3]
    hit = next(r for r in top3 if "有主题、有主讲、有讨论、有收获" in r["text"])
    assert hit["document_title"] == PLAN_TITLE
    assert hit["citation"].startswith(f"《{PLAN_TITLE}》一、")
    assert "第3项" in hit["citation"]
    assert body["took_ms"] > 0


def test_search_results_follow_the_contract(client):
    results = client.post("/search", json={"query": "党员的权利", "top_k": 4}).json()["results"]
    assert len(results) == 4
    for r in results:
        assert set(r) >= {
            "passage_id",
            "document_id",
            "document_title",
            "heading_path",
            "citation",
            "text",
            "score",
        }
        assert len(r["text"]) <= 600
        assert r["citation"].startswith(f"《{r['document_title']}》")
        passage = client.get(f"/passages/{r['passage_id']}").json()
        assert passage["text"] == r["text"]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_every_highlight_lies_inside_the_text(client):
    for r in client.post("/search", json={"query": "留党察看期间有没有选举权"}).json()["results"]:
        for start, end in r["highlights"]:
            assert 0 <= start < end <= len(r["text"])


def test_a_regulation_article_is_cited_with_its_chapter(client):
    results = client.post("/search", json={"query": "中国共产党党徽党旗是什么", "top_k": 3}).json()["results"]
    assert any(r["citation"] == "《中国共产党章程》第十一章 第五十三条" for r in results), [
        r["citation"] for r in results
    ]


def test_documents_list_detail_outline_and_passages(client):
    docs = client.get("/documents").json()
    plan = next(d for d in docs if d["title"] == PLAN_TITLE)
    assert plan["passages"] >= 16
    detail = client.get(f"/documents/{plan['id']}").json()
    assert "有主题、有主讲、有讨论、有收获" in detail["text"]
    outline = client.get(f"/documents/{plan['id']}/outline").json()["outline"]
    assert [node["label"] for node in outline if node["kind"] != "preamble"][:5] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
    ]
    passages = client.get(f"/documents/{plan['id']}/passages").json()
    assert [p["start"] for p in passages] == sorted(p["start"] for p in passages)
    for p in passages:
        assert detail["text"][p["start"] : p["end"]] == p["text"]


@pytest.mark.parametrize(
    "body", [{"query": ""}, {"query": "党员", "top_k": 0}, {"query": "党员", "top_k": 51}, {}]
)
def test_invalid_search_requests_get_422_with_a_message(client, body):
    response = client.post("/search", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/documents/nope", "/passages/nope", "/documents/nope/outline"])
def test_unknown_ids_get_404_in_chinese(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "未找到" in response.json()["error"]["message"]


def test_openapi_is_published(client):
    assert "/search" in client.get("/openapi.json").json()["paths"]


# --- limits and the error format ---

CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_error(response: httpx.Response, status: int) -> dict[str, str]:
    """The one error format: {"error": {"code", "message"}}, a Chinese message, no stack trace."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert CJK.search(body["error"]["message"]), body
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body["error"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/search", {"query": "党" * 501}),
        ("/ask", {"question": "党" * 501}),
        ("/search", {"query": "党员", "top_k": 51}),
        ("/ask", {"question": "党员", "top_k": 51}),
        ("/search", {"query": "党员", "top_k": "5"}),
        ("/search", {"query": "党员", "include_superseded": 0}),
        ("/search", {"query": "党员", "documents": ["x"] * 101}),
        ("/search", {"query": "党员", "mode": "fuzzy"}),
    ],
)
def test_requests_past_the_limits_get_422(client, path, body):
    assert assert_error(client.post(path, json=body), 422)["code"] == "invalid_request"


def test_the_largest_allowed_request_is_answered(client):
    response = client.post("/search", json={"query": "党" * 500, "top_k": 50, "documents": ["x"] * 100})
    assert response.status_code == 200, response.text
    assert client.post("/search", json={"query": "党员", "top_k": 5.0}).status_code == 200  # JSON's 5.0 is 5


@pytest.mark.parametrize("raw", ['{"query": "党员"', "query=党员", "", "[]", "null", '{"query": "党员",}'])
def test_malformed_json_gets_422(client, raw):
    response = client.post("/search", content=raw.encode(), headers={"content-type": "application/json"})
    assert_error(response, 422)


def test_a_body_that_is_not_utf8_gets_400(client):
    raw = '{"query": "党员"}'.encode("gbk")
    assert_error(client.post("/search", content=raw, headers={"content-type": "application/json"}), 400)


def test_a_wrong_method_gets_405_naming_the_allowed_ones(client):
    assert_error(client.put("/search", json={"query": "党员"}), 405)
    # GET /documents and POST /documents are two routes: both methods are named.
    assert client.patch("/documents").headers["allow"] == "GET, POST"


def test_writes_without_credentials_get_401_with_a_challenge(client):
    response = client.delete("/documents/x")
    assert assert_error(response, 401)["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_unexpected_failure_is_a_500_without_its_details(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Searcher, "search", broken)
    response = TestClient(client.app, raise_server_exceptions=False).post("/search", json={"query": "党员"})
    assert assert_error(response, 500)["code"] == "internal_error"
    assert "secret internals" not in response.text


def test_api_docs_page_is_served_without_any_cdn(client):
    page = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
