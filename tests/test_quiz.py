"""A quiz writer's draft items: cloze, single choice and true/false, each provable from the quoted
source, reproducible with a seed, and exported in the layout quiz platforms import (core knowledge base)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from api.cli import main

TOPICS = ("发展党员", "组织生活", "纪律处分")
HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析", "出处"]


def _generate(client, topic: str, **extra) -> list[dict]:
    response = client.post("/quiz/generate", json={"topic": topic, **extra})
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.fixture(scope="module")
def quizzes(client) -> dict[str, list[dict]]:
    return {topic: _generate(client, topic, n=20, seed=7) for topic in TOPICS}


@pytest.mark.parametrize("topic", TOPICS)
def test_twenty_asked_give_at_least_fifteen_distinct_items_of_every_kind(quizzes, topic):
    items = quizzes[topic]
    assert len({i["id"] for i in items}) == len(items) >= 15
    assert len({i["question"] for i in items}) == len(items)
    assert {i["kind"] for i in items} == {"cloze", "choice", "judge"}
    judged = {i["answer"] for i in items if i["kind"] == "judge"}
    assert judged == {True, False}


@pytest.mark.parametrize("topic", TOPICS)
def test_every_item_is_verifiable_against_its_stored_source(client, quizzes, topic):
    for item in quizzes[topic]:
        source = item["source"]
        passage = client.get(f"/passages/{source['passage_id']}").json()
        assert passage["text"][source["start"] : source["end"]] == source["quote"]
        assert source["citation"] == passage["citation"]
        assert source["quote"] in item["explanation"]
        if item["kind"] == "cloze":
            assert item["answer"] in source["quote"]
            assert item["question"].count("______") == 1
        if item["kind"] == "choice":
            options = item["options"]
            assert len(options) == len(set(options)) == 4 and item["answer"] in options
            assert item["answer"] in source["quote"]
            # No wrong option that the source also makes true.
            assert not [o for o in options if o != item["answer"] and o in source["quote"]]


def _one_line(quote: str) -> str:
    """A quoted list as a question shows it: on one line."""
    return re.sub(r"\s*\n\s*", "", quote)


def test_a_cloze_blanks_a_unit_of_meaning_that_restores_the_source(quizzes):
    for item in (i for items in quizzes.values() for i in items if i["kind"] == "cloze"):
        assert item["question"].replace("______", item["answer"]) == _one_line(item["source"]["quote"])


def test_a_false_statement_changes_one_fact_of_the_source_and_a_true_one_is_the_source(quizzes):
    for item in (i for items in quizzes.values() for i in items if i["kind"] == "judge"):
        quote = _one_line(item["source"]["quote"])
        if item["answer"] is True:
            assert item["question"] == quote
        else:
            assert item["question"] != quote
            assert item["explanation"].startswith("错误。原文为")


def test_the_same_seed_gives_the_same_items_and_another_seed_other_ones(client, quizzes):
    again = _generate(client, "纪律处分", n=20, seed=7)
    assert again == quizzes["纪律处分"]
    other = _generate(client, "纪律处分", n=20, seed=8)
    assert [i["id"] for i in other] != [i["id"] for i in again]


def test_one_item_can_be_replaced_by_another_of_its_kind(client, quizzes):
    shown = quizzes["发展党员"]
    fresh = _generate(client, "发展党员", kinds=["choice"], n=1, seed=99, exclude=[i["id"] for i in shown])
    assert len(fresh) == 1 and fresh[0]["kind"] == "choice"
    assert fresh[0]["id"] not in {i["id"] for i in shown}


def test_items_export_to_excel_in_the_quiz_platform_layout(client, quizzes):
    items = quizzes["组织生活"]
    response = client.post("/quiz/export", json={"items": items, "format": "xlsx", "title": "组织生活竞赛"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == len(items) + 1
    for item, row in zip(items, rows[1:], strict=True):
        assert row[1] == item["question"] and row[8] == item["source"]["citation"]
        if item["kind"] == "choice":
            assert item["options"]["ABCD".index(row[6])] == item["answer"]
        elif item["kind"] == "judge":
            assert row[6] == ("正确" if item["answer"] else "错误")
        else:
            assert row[6] == item["answer"]


def test_items_export_to_csv_and_to_a_word_paper_with_an_answer_key(client, quizzes):
    items = quizzes["纪律处分"]
    response = client.post("/quiz/export", json={"items": items, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER and len(rows) == len(items) + 1
    paper = client.post("/quiz/export", json={"items": items, "format": "docx"})
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(paper.content)).paragraphs)
    key = text.index("参考答案")
    assert all(item["question"][:20] in text[:key] for item in items)
    assert all(item["source"]["citation"] in text[key:] for item in items)


def test_an_item_whose_quote_was_edited_is_not_exported(client, quizzes):
    item = dict(quizzes["组织生活"][0])
    item["source"] = dict(item["source"], quote=item["source"]["quote"] + "（改）")
    response = client.post("/quiz/export", json={"items": [item], "format": "xlsx"})
    assert response.status_code == 422 and "引文与原文不符" in response.json()["error"]["message"]


def test_the_command_line_writes_a_quiz_workbook(library, tmp_path, capsys):
    out = tmp_path / "quiz.xlsx"
    args = ["--data", str(library.data_dir), "--model", str(library.model_path)]
    assert main([*args, "quiz", "纪律处分", "--kinds", "cloze,judge", "--n", "10", "--out", str(out)]) == 0
    assert "已出题 10 道" in capsys.readouterr().out
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {"填空题", "判断题"}
