"""Quotes a study session can use whole: points explained by sentences of their own, quoted from the
lead-in through the last point, and a chronicle's entry for one date. On three of the study column's
saved pages, with the real model."""

from __future__ import annotations

import pytest

from index.answers.answer import LIST, answer, gather
from index.fitted.linear import Models
from index.knowledge_base import KnowledgeBase

PAGES = ("14106.html", "14125.html", "14141.html")  # 红色资源 speech; 党史上的今天 of two dates
RED_RESOURCES = "红色资源怎样保护好、管理好、运用好"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, model_path, web_dir):
    kb = KnowledgeBase(tmp_path_factory.mktemp("pages"), model_path)
    results = kb.ingest([web_dir / name for name in PAGES])
    assert [r.status for r in results] == ["ingested"] * len(PAGES), results
    return kb.searcher()


def test_points_explained_by_sentences_of_their_own_are_quoted_through_the_last_point(pages):
    first = answer(pages, RED_RESOURCES).citations[0]
    assert first.quote.startswith("同志们！红色资源是我们党艰辛而辉煌奋斗历程的见证")
    for point in ("一是要加强科学保护", "二是要开展系统研究", "三是要打造精品展陈"):
        assert point in first.quote
    assert first.quote.endswith("四是要强化教育功能。")
    assert first.quote == first.passage.text[first.start : first.end]


def test_a_sentence_explaining_one_point_leads_into_no_list_of_the_next(pages):
    evidence = gather(pages, RED_RESOURCES, 5, None, Models.shipped())
    lists = [c.quote for c in evidence.quotes if c.shape == LIST and "二是要开展系统研究" in c.quote]
    assert lists and all("一是要加强科学保护" in quote for quote in lists)


def test_a_chronicle_entry_for_one_date_can_be_quoted_whole(pages):
    evidence = gather(pages, "三大纪律八项注意的具体内容", 5, None, Models.shipped())
    assert any("训令颁布的三大纪律如下" in c.quote and "（八）不虐待俘虏" in c.quote for c in evidence.quotes)
