"""What a document says about itself in its first lines: title, issuing record, type.

A policy text usually opens with its title and an issuing/revision line such as
（2019年11月29日中共中央政治局会议修订） or 中国共产党第二十次全国代表大会部分修改，
2022年10月22日通过. Those lines are metadata, not body text: their spans are
returned so that the outline and the passages start after them. A 公文 says it in its
版头 and closing instead (`ingest.official`).
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from ingest.model import DocumentMeta
from ingest.official import OfficialLayout
from ingest.outline import is_marker_line
from ingest.sentences import Span, paragraph_spans

_TITLE_MAX_CHARS = 50
_TITLE_PUNCTUATION = re.compile(r"[。！？；，：,:;!?]")
_MAX_ISSUING_LINES = 3
_MAX_TITLE_LINES = 3  # a page's heading, its subtitle, and the heading repeated
_ISSUING_BARE_MAX_CHARS = 100
_BRACKETED = re.compile(r"[（(].*[）)]")
_SENTENCE_END = re.compile(r"[。！？；]")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_DATED = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?")
_YEAR = re.compile(r"(\d{4})年")
_ACT = re.compile(r"审议批准|批准|发布|印发|修订|修改|修正|通过|施行")
_REVISING_ACTS = frozenset({"发布", "印发", "修订", "修改", "修正", "通过"})
_PUBLISHING_ACTS = frozenset({"发布", "印发"})
_CLAUSE_SPLIT = re.compile(r"[\s，,；;、：:]+")
_ORGAN = re.compile(r"[\u4e00-\u9fff]{2,}")
# 中共中央政治局会议修订, 全国代表大会部分修改; but a 全体会议 is itself the organ.
_ORGAN_TRAILER = re.compile(r"(?:(?<!全体)会议|部分)$")
# 条例（2018年修订）: a dated act in brackets; 每周一学（2022年11月7日-11月13日） keeps its dates.
_TRAILING_ANNOTATION = re.compile(rf"[（(][^（()）]*\d{{4}}[^（()）]*(?:{_ACT.pattern})[^（()）]*[）)]$")
_TRAILING_BRACKETS = re.compile(r"(?:[（(][^（(]*[）)])+$")  # 条例（试行）
# Longest first, so that 工作要点 wins over 要点.
_DOC_TYPES = (
    "工作要点", "要点", "章程", "条例", "细则", "规定", "准则", "意见", "办法", "通知",
    "计划", "方案", "决定", "决议", "规则", "规划", "纲要", "守则", "制度",
)  # fmt: skip


def detect_metadata(
    text: str, fallback_title: str, *, stated_title: str = "", published: str = ""
) -> tuple[DocumentMeta, tuple[Span, ...]]:
    """The metadata of a cleaned text and the spans of the lines it was read from.

    A title the format states (a web page's <title>) is the title; the first lines that
    are part of it (the page's heading, its subtitle) are title lines. Otherwise the title
    is the first line when it looks like one (short, no sentence punctuation, not a
    numbered heading), else `fallback_title` (the file name stem). A trailing revision
    note such as （2018年修订） is cut from the title; when it was written in the title
    line it is read like an issuing line. Up to three issuing/revision lines directly
    after the title give dates, issuer and year.
    """
    spans = paragraph_spans(text)
    lines = [text[start:end] for start, end in spans]
    if stated_title:
        title = stated_title
        in_title = itertools.takewhile(lambda line: len(line) > 1 and line in title, lines[:_MAX_TITLE_LINES])
        title_lines = len(list(in_title))
    else:
        title_lines = 1 if lines and _looks_like_title(lines[0]) else 0
        title = lines[0] if title_lines else fallback_title
    annotation = _TRAILING_ANNOTATION.search(title)
    if annotation:
        title = title[: annotation.start()]
    following = lines[title_lines : title_lines + _MAX_ISSUING_LINES]
    issuing = list(itertools.takewhile(_is_issuing_line, following))

    records = ([annotation.group()] if annotation and title_lines else []) + issuing
    acts = [_read_clause(clause) for record in records for clause in _CLAUSE_SPLIT.split(_unbracket(record))]
    years = [act.year for act in acts if act.act in _REVISING_ACTS and act.year]
    issued_line = "\n".join(records)
    meta = DocumentMeta(
        title=title.strip(),
        doc_type=_doc_type(title),
        issuer=_issuer(acts),
        issued_line=issued_line,
        dates=tuple(f"{y}-{int(m):02d}-{int(d):02d}" for y, m, d in _DATE.findall(issued_line)),
        revision_year=max(years, default=None),
        published=published,
    )
    return meta, tuple(spans[: title_lines + len(issuing)])


def official_metadata(layout: OfficialLayout, published: str = "") -> DocumentMeta:
    """What a 公文's 版头 and closing say: its 成文日期 is its date, as written its issuing line."""
    return DocumentMeta(
        title=layout.title,
        doc_type=_doc_type(layout.title),
        issuer=layout.issuer,
        issued_line=layout.date_line,
        dates=(layout.date,) if layout.date else (),
        published=published,
        doc_number=layout.doc_number,
        written=layout.date,
        signer=layout.signer,
        addressee=layout.addressee,
    )


def _looks_like_title(line: str) -> bool:
    return (
        len(line) <= _TITLE_MAX_CHARS
        and not _TITLE_PUNCTUATION.search(line)
        and not is_marker_line(line)
        and (bool(_doc_type(line)) or not _is_issuing_line(line))  # 条例（2018年修订） is still a title
    )


def _is_issuing_line(line: str) -> bool:
    """A bracketed line, or a short bare line, that records a dated act (通过, 修订, 发布…)."""
    if not (_YEAR.search(line) and _ACT.search(line)):
        return False
    if _BRACKETED.fullmatch(line):
        return True
    body = line.removesuffix("。")
    return len(body) <= _ISSUING_BARE_MAX_CHARS and not _SENTENCE_END.search(body)


def _unbracket(line: str) -> str:
    return line[1:-1] if _BRACKETED.fullmatch(line) else line


class _Act(NamedTuple):
    act: str  # 发布, 修订, …; "" when the clause records none
    year: int | None
    organ: str  # who acted, when the clause names it


def _read_clause(clause: str) -> _Act:
    """What one clause such as "2014年5月28日中共中央办公厅发布" records.

    The organ is what stands between the date and the act; it is "" when that is not
    a plain name (e.g. "自2018年10月1日起施行" gives only "起").
    """
    act = _ACT.search(clause)
    if not act:
        return _Act("", None, "")
    years = _YEAR.findall(clause)
    before = clause[: act.start()]
    organ = before[max((m.end() for m in _DATED.finditer(before)), default=0) :]
    organ = _ORGAN_TRAILER.sub("", organ)
    return _Act(act.group(), int(years[-1]) if years else None, organ if _ORGAN.fullmatch(organ) else "")


def _issuer(acts: list[_Act]) -> str:
    """The organ of the latest 发布/印发, else of the latest act that names one."""
    published = [act.organ for act in acts if act.act in _PUBLISHING_ACTS and act.organ]
    named = [act.organ for act in acts if act.organ]
    return (published or named or [""])[-1]


def _doc_type(title: str) -> str:
    base = _TRAILING_BRACKETS.sub("", title)
    return next((doc_type for doc_type in _DOC_TYPES if base.endswith(doc_type)), "")
