"""Exports members download: a study pack as Word or Markdown, quiz items as Excel, CSV or a Word paper.

Everything is built from real documents read by the ingest pipeline (the demo plan and the regulations),
without the embedding model or an index, so these tests take well under a second.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from index.quiz.export import quiz_csv, quiz_docx, quiz_xlsx
from index.quiz.model import QuizItem, QuizSource
from index.study.export import pack_docx, pack_markdown
from index.study.model import Excerpt, StudyPack
from ingest.loader import load_document
from ingest.model import Document, Passage

CONSTITUTION = "中国共产党章程"
ORGANS = "中国共产党党和国家机关基层组织工作条例"
PLAN = "2022年市商务局党的建设工作要点"
MADE = date(2026, 12, 2)
HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析", "出处"]


@pytest.fixture(scope="module")
def documents(plan_path: Path, regulation_paths: list[Path]) -> dict[str, Document]:
    return {d.title: d for d in (load_document(p) for p in [plan_path, *regulation_paths])}


def passage_with(document: Document, phrase: str) -> Passage:
    return next(p for p in document.passages if phrase in p.text)


def excerpt(documents: dict[str, Document], title: str, phrase: str) -> Excerpt:
    document = documents[title]
    return Excerpt(passage_with(document, phrase), document.title, document.meta.doc_type)


def source(documents: dict[str, Document], title: str, quote: str) -> QuizSource:
    passage = passage_with(documents[title], quote)
    start = passage.text.index(quote)
    assert passage.text[start : start + len(quote)] == quote
    return QuizSource(passage.id, title, passage.citation, quote, start, start + len(quote))


def explained(src: QuizSource) -> str:
    return f"依据{src.citation}：“{src.quote}”"


@pytest.fixture(scope="module")
def pack(documents: dict[str, Document]) -> StudyPack:
    """Five excerpts in the order a branch secretary arranged them; the Constitution comes back at the end."""
    return StudyPack(
        "2026年12月支部学习材料",
        MADE,
        (
            excerpt(documents, CONSTITUTION, "第一条"),
            excerpt(documents, CONSTITUTION, "预备党员的预备期为一年"),  # four lines
            excerpt(documents, PLAN, "主题党日活动"),
            excerpt(documents, ORGANS, "第十九条"),
            excerpt(documents, CONSTITUTION, "自行脱党"),
        ),
    )


@pytest.fixture(scope="module")
def items(documents: dict[str, Document]) -> list[QuizItem]:
    """A cloze, two choices (answers C and B), a true and a false judge item, all on real sentences."""
    cloze = source(documents, ORGANS, "严格执行党的组织生活制度，确保党的组织生活经常、认真、严肃。")
    probation = source(documents, CONSTITUTION, "预备党员的预备期为一年。")
    monthly = source(
        documents, PLAN, "机关基层党支部每月开展“有主题、有主讲、有讨论、有收获”的主题党日活动。"
    )
    joining = source(
        documents,
        CONSTITUTION,
        "年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，承认党的纲领和章程，"
        "愿意参加党的一个组织并在其中积极工作、执行党的决议和按期交纳党费的，可以申请加入中国共产党。",
    )
    lapsed = source(
        documents,
        CONSTITUTION,
        "党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，"
        "就被认为是自行脱党。",
    )
    return [
        QuizItem(
            "cloze-1",
            "cloze",
            cloze.quote.replace("经常、认真、严肃", "______"),
            "经常、认真、严肃",
            explained(cloze),
            cloze,
        ),
        QuizItem(
            "choice-1",
            "choice",
            "预备党员的预备期为（    ）。",
            "一年",
            explained(probation),
            probation,
            ("三个月", "半年", "一年", "两年"),
        ),
        QuizItem(
            "choice-2",
            "choice",
            "机关基层党支部（    ）开展“有主题、有主讲、有讨论、有收获”的主题党日活动。",
            "每月",
            explained(monthly),
            monthly,
            ("每周", "每月", "每季度", "每半年"),
        ),
        QuizItem(
            "judge-1",
            "judge",
            "年满十八岁、承认党的纲领和章程的先进分子，可以申请加入中国共产党。",
            True,
            explained(joining),
            joining,
        ),
        QuizItem(
            "judge-2",
            "judge",
            "党员没有正当理由，连续三个月不参加党的组织生活，就被认为是自行脱党。",
            False,
            explained(lapsed),
            lapsed,
        ),
    ]


def docx_lines(data: bytes) -> list[str]:
    return [p.text for p in open_docx(io.BytesIO(data)).paragraphs]


def east_asian_font(run) -> str | None:
    fonts = run._element.rPr.rFonts
    return fonts.get(qn("w:eastAsia"))


# --- study pack, Word ---------------------------------------------------------------------------------


def test_study_docx_opens_with_the_centred_title_and_the_date_under_it(pack: StudyPack) -> None:
    doc = open_docx(io.BytesIO(pack_docx(pack)))
    title, dated = doc.paragraphs[:2]
    assert title.text == "2026年12月支部学习材料"
    assert dated.text == "2026年12月2日"
    assert title.alignment == dated.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asian_font(title.runs[0]) in {"方正小标宋简体", "宋体"}
    assert title.runs[0].font.size == Pt(22)
    assert doc.core_properties.title == pack.title


def test_study_docx_holds_every_excerpt_verbatim_with_its_citation_right_under_it(pack: StudyPack) -> None:
    text = "\n".join(docx_lines(pack_docx(pack)))
    for e in pack.excerpts:
        assert f"{e.passage.text}\n——{e.passage.citation}" in text
    assert "——《中国共产党章程》第一章 第七条" in text


def test_study_docx_heads_each_run_of_one_documents_excerpts_with_its_title(pack: StudyPack) -> None:
    doc = open_docx(io.BytesIO(pack_docx(pack)))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"《{CONSTITUTION}》", f"《{PLAN}》", f"《{ORGANS}》", f"《{CONSTITUTION}》"]


def test_study_docx_sets_the_text_in_fangsong_16pt_indented_two_characters_on_a4(pack: StudyPack) -> None:
    doc = open_docx(io.BytesIO(pack_docx(pack)))
    lines = {line for e in pack.excerpts for line in e.passage.text.split("\n")}
    body = [p for p in doc.paragraphs if p.text in lines]
    assert len(body) == len(lines)
    for paragraph in body:
        run = paragraph.runs[0]
        assert east_asian_font(run) == "仿宋"
        assert run.font.size == Pt(16)
        assert paragraph.paragraph_format.first_line_indent == Pt(32)
        assert paragraph._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    citations = [p for p in doc.paragraphs if p.text.startswith("——")]
    assert len(citations) == len(pack.excerpts)
    for paragraph in citations:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert paragraph.runs[0].font.size < Pt(16)
        assert east_asian_font(paragraph.runs[0])
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, not Letter


# --- study pack, Markdown -----------------------------------------------------------------------------


def test_study_markdown_has_the_title_date_and_a_heading_per_run(pack: StudyPack) -> None:
    md = pack_markdown(pack)
    assert md.startswith("# 2026年12月支部学习材料\n\n2026年12月2日\n")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == [
        f"## 《{CONSTITUTION}》",
        f"## 《{PLAN}》",
        f"## 《{ORGANS}》",
        f"## 《{CONSTITUTION}》",
    ]


def test_study_markdown_quotes_every_line_verbatim_and_every_citation_in_order(pack: StudyPack) -> None:
    md = pack_markdown(pack)
    lines = md.splitlines()
    for e in pack.excerpts:
        for line in e.passage.text.split("\n"):
            assert f"> {line}" in lines  # each line of the article its own quoted paragraph, unescaped
    positions = [lines.index(f"——{e.passage.citation}") for e in pack.excerpts]
    assert positions == sorted(positions)
    # The four lines of 第七条 stay four paragraphs: a bare ">" separates them.
    seventh = pack.excerpts[1].passage.text.split("\n")
    start = lines.index(f"> {seventh[0]}")
    assert lines[start : start + 3] == [f"> {seventh[0]}", ">", f"> {seventh[1]}"]


# --- quiz, Excel and CSV ------------------------------------------------------------------------------


def xlsx_rows(data: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[value or "" for value in row] for row in sheet.iter_rows(values_only=True)]


def test_quiz_xlsx_has_the_header_and_one_row_per_item_with_its_answer(items: list[QuizItem]) -> None:
    rows = xlsx_rows(quiz_xlsx(items, "党章党规知识竞赛"))
    assert rows[0] == HEADER
    assert len(rows) == 1 + len(items)
    assert [r[0] for r in rows[1:]] == ["填空题", "单选题", "单选题", "判断题", "判断题"]
    assert [r[6] for r in rows[1:]] == ["经常、认真、严肃", "C", "B", "正确", "错误"]
    assert rows[2][2:6] == ["三个月", "半年", "一年", "两年"]
    assert rows[1][2:6] == rows[4][2:6] == ["", "", "", ""]
    for row, item in zip(rows[1:], items, strict=True):
        assert row[1] == item.question
        assert row[7] == item.explanation
        assert row[8] == item.source.citation
    assert rows[2][8] == "《中国共产党章程》第一章 第七条"


def test_quiz_xlsx_is_readable_on_screen_and_keeps_text_as_text(items: list[QuizItem]) -> None:
    odd = dataclasses.replace(items[3], question="=" + items[3].question)  # Excel would run it as a formula
    sheet = load_workbook(io.BytesIO(quiz_xlsx([*items, odd], "党章党规知识竞赛"))).active
    assert sheet.title == "党章党规知识竞赛"
    assert sheet.column_dimensions["B"].width >= 30  # 题干 and 解析 are long
    assert sheet["B2"].alignment.wrap_text
    assert sheet["B2"].alignment.vertical == "top"
    assert sheet["B7"].data_type == "s"
    assert sheet["B7"].value == odd.question
    # In CSV a leading apostrophe, which Excel hides, does the same.
    assert list(csv.reader(io.StringIO(quiz_csv([odd]))))[1][1] == "'" + odd.question


def test_quiz_csv_parses_back_to_the_same_rows_as_the_spreadsheet(items: list[QuizItem]) -> None:
    text = quiz_csv(items)
    assert not text.startswith("\ufeff")  # the route adds the byte order mark
    assert list(csv.reader(io.StringIO(text))) == xlsx_rows(quiz_xlsx(items, "党章党规知识竞赛"))


def test_a_choice_whose_answer_is_not_an_option_is_refused(items: list[QuizItem]) -> None:
    broken = dataclasses.replace(items[1], answer="十个月")  # items come back from the browser
    with pytest.raises(ValueError, match="单选题的答案须是四个选项之一"):
        quiz_csv([broken])
    with pytest.raises(ValueError, match="单选题"):
        quiz_xlsx([broken], "竞赛")
    with pytest.raises(ValueError, match="单选题"):
        quiz_docx([broken], "竞赛", MADE)


# --- quiz, Word paper ---------------------------------------------------------------------------------


def test_quiz_docx_is_a_paper_by_kind_then_an_answer_key_with_sources(items: list[QuizItem]) -> None:
    doc = open_docx(io.BytesIO(quiz_docx(items, "党章党规知识竞赛", MADE)))
    lines = [p.text for p in doc.paragraphs]
    assert lines[:2] == ["党章党规知识竞赛", "2026年12月2日"]
    key = lines.index("参考答案")
    assert doc.paragraphs[key].paragraph_format.page_break_before  # the paper prints without its answers
    assert doc.paragraphs[key].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert doc.paragraphs[key]._p.pPr.find(qn("w:ind")) is None  # no indent pushing it off centre
    paper, answers = lines[:key], lines[key:]
    assert [line for line in paper if line[1:2] == "、"] == ["一、填空题", "二、单选题", "三、判断题"]
    assert paper[paper.index("一、填空题") + 1] == "1. 严格执行党的组织生活制度，确保党的组织生活______。"
    assert "1. 预备党员的预备期为（    ）。" in paper
    options = paper.index(f"2. {items[2].question}") + 1
    assert paper[options : options + 4] == ["A. 每周", "B. 每月", "C. 每季度", "D. 每半年"]
    assert f"1. {items[3].question}（　　）" in paper
    assert f"2. {items[4].question}（　　）" in paper
    assert not any(item.explanation in line for item in items for line in paper)
    assert [line for line in answers if line[1:2] == "、"] == ["一、填空题", "二、单选题", "三、判断题"]
    for expected in (
        "1. 答案：经常、认真、严肃",
        "1. 答案：C. 一年",
        "2. 答案：B. 每月",
        "1. 答案：正确",
        "2. 答案：错误",
    ):
        assert expected in answers
    for item in items:
        assert f"解析：{item.explanation}" in answers
        assert f"出处：{item.source.citation}" in answers


def test_quiz_docx_numbers_only_the_kinds_it_has(items: list[QuizItem]) -> None:
    lines = docx_lines(quiz_docx(items[3:], "判断题专项练习", MADE))
    assert [line for line in lines if line[1:2] == "、"] == ["一、判断题", "一、判断题"]
