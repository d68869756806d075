"""A 公文 read as GB/T 9704 lays it out: its title, number, date and issuer as metadata, the banner, the
closing and the 版记 in no passage, and its attachments as sections of their own.

The fixtures (tests/make_notice.py) are one red-header notice as a Word file and as the PDF a 公文
system exports, with every element of the layout.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ingest.loader import load_document, parse_document
from ingest.model import Document
from ingest.outline import iter_sections
from tests.conftest import copy_data_dir
from tests.make_fixtures import FIXTURES
from tests.make_notice import (
    ADDRESSEE,
    ATTACHMENTS,
    BANNER,
    COPIED_TO,
    DATE,
    ISSUER,
    NOTE,
    NUMBER,
    PRINTED,
    SIGNER,
    TITLE,
)

NOTICES = ["notice.docx", "notice.pdf"]


@pytest.fixture(scope="module", params=NOTICES)
def notice(request: pytest.FixtureRequest) -> Document:
    return load_document(FIXTURES / request.param)


def test_the_title_is_the_notice_s_not_the_banner_and_the_layout_is_metadata(notice: Document) -> None:
    meta = notice.meta
    assert meta.title == TITLE  # the two title lines as one, the banner above them left out
    assert meta.doc_type == "通知"
    assert meta.doc_number == NUMBER
    assert meta.written == "2023-03-01" and meta.issued_line == DATE
    assert meta.issuer == ISSUER
    assert meta.signer == SIGNER
    assert meta.addressee == ADDRESSEE


def test_banner_closing_and_colophon_are_in_no_passage(notice: Document) -> None:
    texts = "\n".join(p.text for p in notice.passages)
    for line in (BANNER, NUMBER, f"{ADDRESSEE}：", ISSUER, DATE, NOTE, COPIED_TO, "印发"):
        assert line not in texts, line
    assert "2023年3月2日" not in texts  # the printing date of the 版记
    assert PRINTED in notice.text  # still in the document's full text, as printed


def test_each_attachment_is_a_section_of_its_own_with_its_items(notice: Document) -> None:
    attachments = [s for s in iter_sections(notice.outline) if s.kind == "attachment"]
    assert [(s.label, s.title) for s in attachments] == [(label, title) for label, title, _ in ATTACHMENTS]
    for section, (label, _, lines) in zip(attachments, ATTACHMENTS, strict=True):
        items = [p for p in notice.passages if p.section_key.startswith(f"{section.key}.")]
        assert [p.text for p in items] == list(lines)
        assert all(p.citation.startswith(f"《{TITLE}》{label} 第") for p in items)


def test_the_attachment_note_stays_with_the_body_and_the_pdf_keeps_pages() -> None:
    doc = load_document(FIXTURES / "notice.pdf")
    last_body = next(p for p in doc.passages if p.citation.endswith("三、工作要求"))
    assert "附件：1．2023年度主题党日活动安排表" in last_body.text
    pages = {p.citation.split("》")[1].split(" ")[0]: p.page for p in doc.passages}
    assert pages["附件1"] == 3 and pages["附件2"] == 4


def test_a_date_in_chinese_numerals_and_a_number_without_a_banner_are_read_too() -> None:
    text = (
        f"{NUMBER}\n{TITLE}\n{ADDRESSEE}：\n一、活动时间\n每月第一周的星期五开展活动。\n"
        f"二、工作要求\n各党组织要认真组织。\n{ISSUER}\n二〇二三年三月一日\n"
    )
    meta = parse_document(text.encode(), "通知.txt").meta
    assert (meta.title, meta.doc_number, meta.written, meta.issuer) == (TITLE, NUMBER, "2023-03-01", ISSUER)


def test_a_document_without_a_banner_or_number_is_no_official_layout() -> None:
    meta = load_document(FIXTURES / "regulation.docx").meta
    assert meta.doc_number == "" and meta.written == ""


# --- shown in results and filterable ------------------------------------------------


@pytest.fixture(scope="module")
def client_with_notice(library, tmp_path_factory: pytest.TempPathFactory):
    from api.app import create_app
    from index.knowledge_base import KnowledgeBase

    data_dir = copy_data_dir(library.data_dir, tmp_path_factory.mktemp("notice") / "data")
    kb = KnowledgeBase(data_dir, library.model_path)
    (result,) = kb.ingest([FIXTURES / "notice.docx"])
    assert result.status == "ingested", result
    app = create_app(data_dir, library.model_path, warm=False)
    with TestClient(app) as client:
        yield client


def _search(client: TestClient, **body: object) -> list[dict]:
    response = client.post("/search", json={"query": "主题党日活动安排在什么时间", **body})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_results_show_the_number_issuer_and_date(client_with_notice: TestClient) -> None:
    hit = next(r for r in _search(client_with_notice) if r["document_title"] == TITLE)
    assert (hit["doc_number"], hit["issuer"], hit["written"]) == (NUMBER, ISSUER, "2023-03-01")
    (summary,) = [d for d in client_with_notice.get("/documents").json() if d["title"] == TITLE]
    assert summary["doc_number"] == NUMBER and summary["written"] == "2023-03-01"


def test_search_and_ask_filter_by_issuer_and_date(client_with_notice: TestClient) -> None:
    by_issuer = _search(client_with_notice, issuer="直属机关工作委员会")
    assert by_issuer and {r["document_title"] for r in by_issuer} == {TITLE}
    in_march = _search(client_with_notice, date_from="2023-03-01", date_to="2023-03-31")
    assert {r["document_title"] for r in in_march} == {TITLE}
    assert _search(client_with_notice, date_to="2023-02-28") == []
    assert _search(client_with_notice, documents=["没有这个文档"], issuer="工作委员会") == []
    asked = client_with_notice.post(
        "/ask", json={"question": "主题党日每月哪天开展", "date_from": "2030-01-01"}
    )
    assert asked.status_code == 200 and asked.json()["answered"] is False
    bad = client_with_notice.post("/search", json={"query": "主题党日", "date_from": "2023年3月"})
    assert bad.status_code == 422
