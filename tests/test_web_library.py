"""The library knowledge base: the plan, the regulations and the study column's 150 pages as a browser
saved them (../shared/corpus/web). Every article is kept once, under a title of its own, and a
regulation text a page reprints is cited from the regulation."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from index.evaluate import load_questions, satisfies
from index.knowledge_base import IngestResult, KnowledgeBase
from tests.conftest import copy_data_dir

# Four pages were saved twice (N.html and N.html.html): the same article with other site links.
SAVED_TWICE = {"22670.html.html", "22671.html.html", "22866.html.html", "23180.html.html"}
GENERIC = {"每周一学", "学党爱党", "党课团课", "党史教育", "党建引领"}


@pytest.fixture(scope="module")
def web_library(library, web_dir, tmp_path_factory) -> tuple[KnowledgeBase, list[IngestResult]]:
    data = copy_data_dir(library.data_dir, tmp_path_factory.mktemp("library") / "data")
    kb = KnowledgeBase(data, library.model_path)
    return kb, kb.ingest([web_dir])


def squeezed(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def test_every_page_is_kept_and_each_article_is_one_document(web_library, web_dir) -> None:
    kb, results = web_library
    pages = sorted(web_dir.glob("*.html"))
    assert len(pages) == 150 and len(results) == 150  # SOURCES.md describes the folder: not a document
    assert Counter(r.status for r in results) == {"ingested": 146, "duplicate": 4}
    duplicates = {Path(r.path).name: r.other_source for r in results if r.status == "duplicate"}
    assert duplicates == {name: name.removesuffix(".html") for name in SAVED_TWICE}
    live = kb.searcher()
    assert {r.document_id for r in results} <= set(live.titles)
    assert len(live.titles) == 6 + 146


def test_every_page_title_is_its_own_and_specific(web_library) -> None:
    kb, results = web_library
    titles = [r.title for r in results if r.status == "ingested"]
    assert len(set(titles)) == len(titles)
    site = ("--", "学习专栏-", "-绍兴市第一中学")  # <title> ends 「--学习专栏-绍兴市第一中学」
    assert not [t for t in titles if t in GENERIC or any(part in t for part in site) or "&" in t]
    live = kb.searcher()
    dated = [live.metas[r.document_id].published for r in results]
    assert all(re.fullmatch(r"20\d\d-\d\d-\d\d", d) for d in dated)


def test_every_answer_on_the_pages_is_found_by_phrase_search(web_library, all_dev_questions_path) -> None:
    live = web_library[0].searcher()
    on_pages = [q for q in load_questions(all_dev_questions_path) if q.id.startswith("ws")]
    assert len(on_pages) == 45
    missing = [
        q.id
        for q in on_pages
        if not any(
            satisfies(hit.passage.text, q.gold)
            for alternative in q.gold
            for hit in live.search(alternative[0], top_k=50, mode="phrase")
        )
    ]
    assert missing == []


def test_no_result_list_holds_one_text_twice(web_library, all_dev_questions_path) -> None:
    live = web_library[0].searcher()
    for question in load_questions(all_dev_questions_path):
        texts = [squeezed(h.passage.text) for h in live.search(question.query, top_k=10)]
        assert len(texts) == len(set(texts)), question.query


def test_reprinted_regulation_articles_are_cited_from_the_regulation(web_library) -> None:
    """The 2019年8月 study material reprints chapters 2 and 3 of the 党员教育管理工作条例 (and then
    another text, numbered 第一条… again, which is its own)."""
    live = web_library[0].searcher()
    (page,) = [doc_id for doc_id, title in live.titles.items() if title == "【2019年8月学习材料】"]
    reprinted = [p for p in live.passages if p.document_id == page and "第三章 第十一条" in p.citation]
    assert len(reprinted) == 1
    for passage in reprinted:
        (hit,) = live.search(passage.text[:60], top_k=1)
        assert hit.document_title == "中国共产党党员教育管理工作条例"
        assert hit.passage.citation == "《中国共产党党员教育管理工作条例》第三章 第十一条"
        assert page in {ref.document_id for ref in hit.also}
