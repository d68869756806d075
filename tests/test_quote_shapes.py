"""Quotes a study session can use whole: points explained by sentences of their own, quoted from the
lead-in through the last point, a chronicle's entry for one date, and the slogan a counted question
asks for, in a run or named under its count. On five of the study column's saved pages, with the real
model."""

from __future__ import annotations

import pytest

from index.answers.answer import LIST, answer, gather
from index.fitted.linear import Models
from index.knowledge_base import KnowledgeBase

# 红色资源 speech; 党史上的今天 of three dates; a week's study of the 不忘初心、牢记使命 theme education
PAGES = ("14106.html", "14125.html", "14141.html", "10265.html", "14092.html")
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
    lists = [c.quote for c in evidence.shown.quotes if c.shape == LIST and "二是要开展系统研究" in c.quote]
    assert lists and all("一是要加强科学保护" in quote for quote in lists)


def test_a_chronicle_entry_for_one_date_can_be_quoted_whole(pages):
    evidence = gather(pages, "三大纪律八项注意的具体内容", 5, None, Models.shipped())
    quotes = [c.quote for c in evidence.shown.quotes]
    assert any("训令颁布的三大纪律如下" in q and "（八）不虐待俘虏" in q for q in quotes)


def test_a_counted_question_is_answered_by_a_run_of_that_many_items_sharing_no_character(pages):
    question = "不忘初心、牢记使命主题教育的五个具体目标"
    goals = "理论学习有收获、思想政治受洗礼、干事创业敢担当、为民服务解难题、清正廉洁作表率"
    evidence = gather(pages, question, 5, None, Models.shipped())
    runs = [c for c in evidence.shown.quotes if c.quote.startswith(goals)]
    assert runs and all(c.fit > 0 for c in runs)  # the kind of sentence asked for: five items
    assert goals in answer(pages, question).citations[0].quote


def test_a_counted_question_is_answered_where_the_items_are_named_under_their_count(pages):
    question = "党的三大法宝是哪三个"  # 14092: 统一战线，武装斗争，党的建设，是…三个法宝
    evidence = gather(pages, question, 5, None, Models.shipped())
    named = [c for c in evidence.shown.quotes if "统一战线" in c.quote and "三个法宝" in c.quote]
    assert named and all(c.fit == 1 for c in named)  # the kind of sentence asked for, as a run of three is
    first = answer(pages, question).citations[0].quote
    assert "统一战线" in first and "党的建设" in first and "三个法宝" in first
