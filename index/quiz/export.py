"""Quiz items as files: a spreadsheet (XLSX, CSV) to import into a quiz system, and a printable paper (DOCX).

The spreadsheet has one row per item under a fixed header (COLUMNS), the form quiz and exam systems import;
XLSX and CSV share the rows (`quiz_rows`). The paper lists the questions by kind (一、填空题 二、单选题
三、判断题) and ends with an answer key (参考答案) giving each answer, its explanation and its source, so
whoever marks the paper can check every answer against the document.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from index.quiz.model import KIND_NAMES, KINDS, QuizItem
from index.study.export import add_body, add_heading, add_title, docx_bytes, new_document

COLUMNS = ("题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析", "出处")
WIDTHS = (8, 48, 18, 18, 18, 18, 16, 48, 36)  # in Latin characters: a Chinese one takes about two
LETTERS = "ABCD"
JUDGE_BLANK = "（　　）"  # where the candidate writes √ or ×
_HAS_BLANK = re.compile(r"（[\s\u3000]*）\s*$")
_NUMERALS = "一二三四五六七八九十"
# A cell starting with one of these is a formula to Excel and WPS when they open a CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def answer_text(item: QuizItem) -> str:
    """The 正确答案 column: the blanked text (cloze), the option's letter (choice), 正确/错误 (judge).

    Raises ValueError, in Chinese, for an item whose answer does not fit its kind (items come back from
    the browser, so they are not trusted to be well formed).
    """
    match item.kind:
        case "cloze":
            if not isinstance(item.answer, str) or not item.answer:
                raise ValueError(f"填空题的答案须是被挖去的文字：{item.question}")
            return item.answer
        case "choice":
            if len(item.options) != len(LETTERS) or item.answer not in item.options:
                raise ValueError(f"单选题的答案须是四个选项之一：{item.question}")
            return LETTERS[item.options.index(item.answer)]
        case "judge":
            if not isinstance(item.answer, bool):
                raise ValueError(f"判断题的答案须是“正确”或“错误”：{item.question}")
            return "正确" if item.answer else "错误"
    raise ValueError(f"未知的题型“{item.kind}”（可用：{'、'.join(KINDS)}）")


def quiz_rows(items: Sequence[QuizItem]) -> list[tuple[str, ...]]:
    """One row per item, in the order of COLUMNS; the options are empty for cloze and judge items."""
    rows = []
    for item in items:
        answer = answer_text(item)  # first: it refuses an unknown kind
        options = item.options if item.kind == "choice" else ("",) * len(LETTERS)
        rows.append(
            (KIND_NAMES[item.kind], item.question, *options, answer, item.explanation, item.source.citation)
        )
    return rows


def quiz_file(items: Sequence[QuizItem], fmt: str, title: str, made: date) -> bytes:
    """The items as the bytes of a file in `fmt` (xlsx, docx or csv); CSV in UTF-8 with a byte-order
    mark, without which Excel reads it as the local code page."""
    if fmt == "xlsx":
        return quiz_xlsx(items, title)
    if fmt == "csv":
        return ("\ufeff" + quiz_csv(items)).encode()
    return quiz_docx(items, title, made)


def quiz_xlsx(items: Sequence[QuizItem], title: str) -> bytes:
    """The items as an .xlsx workbook: one sheet named after the title, the header row, one row per item."""
    rows = quiz_rows(items)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    workbook.properties.title = ILLEGAL_CHARACTERS_RE.sub("", title)
    workbook.properties.creator = "党建知识库"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"  # text, never a formula: a question may start with "="
            cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def quiz_csv(items: Sequence[QuizItem]) -> str:
    """The items as CSV text: the header row, one row per item, CRLF line ends.

    Without a byte order mark: the route prepends "\\ufeff" so that Excel reads the file as UTF-8. A cell
    that starts with = + - @ gets a leading apostrophe, which Excel hides, so that opening the file never
    runs a formula; text from the documents never starts that way, so quoted text is not affected.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([_inert(value) for value in row] for row in quiz_rows(items))
    return buffer.getvalue()


def quiz_docx(items: Sequence[QuizItem], title: str, made: date) -> bytes:
    """A printable paper: title and date, the questions by kind, then the answer key on a new page."""
    for item in items:
        answer_text(item)  # refuse a malformed item before writing anything
    sections = [(kind, [item for item in items if item.kind == kind]) for kind in KINDS]
    sections = [(kind, kind_items) for kind, kind_items in sections if kind_items]
    doc = new_document(title)
    add_title(doc, title, made)
    for number, (kind, kind_items) in enumerate(sections):
        add_heading(doc, f"{_NUMERALS[number]}、{KIND_NAMES[kind]}")
        for k, item in enumerate(kind_items, start=1):
            add_body(doc, f"{k}. {_question(item)}", indent=False)
            for letter, option in zip(LETTERS, item.options if kind == "choice" else (), strict=False):
                add_body(doc, f"{letter}. {option}")
    key = add_heading(doc, "参考答案", centred=True)
    key.paragraph_format.page_break_before = True  # the paper prints without its answers
    for number, (kind, kind_items) in enumerate(sections):
        add_heading(doc, f"{_NUMERALS[number]}、{KIND_NAMES[kind]}")
        for k, item in enumerate(kind_items, start=1):
            add_body(doc, f"{k}. 答案：{_answer_in_key(item)}", indent=False)
            add_body(doc, f"解析：{item.explanation}")
            add_body(doc, f"出处：{item.source.citation}")
    return docx_bytes(doc)


def _question(item: QuizItem) -> str:
    """The question as printed: a judge item gets its （　　） unless it has one."""
    if item.kind == "judge" and not _HAS_BLANK.search(item.question):
        return f"{item.question}{JUDGE_BLANK}"
    return item.question


def _answer_in_key(item: QuizItem) -> str:
    """The answer as the key gives it: a choice with its letter and text ("B. 三会一课")."""
    answer = answer_text(item)
    return f"{answer}. {item.answer}" if item.kind == "choice" else answer


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of \\ / * ? : [ ] in a sheet's name."""
    name = INVALID_TITLE_REGEX.sub("", ILLEGAL_CHARACTERS_RE.sub("", " ".join(title.split())))[:31]
    return name.strip("'") or "题目"  # a name may not start or end with an apostrophe either


def _inert(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value
