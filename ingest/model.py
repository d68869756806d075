"""The document model every other layer builds on.

A `Document` is one source file after cleaning: its cleaned `text`, its metadata,
an outline tree of `Section`s and an ordered list of `Passage`s. Offsets
(`start`, `end`) always index `Document.text`, so a passage or quote can be
located and highlighted in the full text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    """A node of the outline: 编/章/节/条, or 一、/1. in a work plan."""

    key: str  # stable key within the document, e.g. "c2.a8" (chapter 2, article 8)
    # part | chapter | section | article | item | preamble | piece (one article of several) | attachment
    kind: str
    label: str  # the number as written: "第二章", "第八条", "一、", "3."
    title: str  # heading text after the number ("党员"); "" for an article
    start: int
    end: int
    children: tuple[Section, ...] = ()
    passage_ids: tuple[str, ...] = ()  # passages that lie directly in this node

    @property
    def heading(self) -> str:
        """The heading as a reader sees it: "第二章 党员", "第八条", "一、突出政治统领…"."""
        if not self.title:
            return self.label
        sep = "" if self.label.endswith(("、", ".", "．", "）", ")")) else " "
        return f"{self.label}{sep}{self.title}"


@dataclass(frozen=True, slots=True)
class Passage:
    """The unit we retrieve and cite: one article, one plan item, or a part of one."""

    id: str
    document_id: str
    ordinal: int  # position in the document, from 0
    text: str  # exactly Document.text[start:end]
    start: int
    end: int
    heading_path: tuple[str, ...]  # headings from the outside in, without the title
    citation: str  # 《标题》第二章 第八条 (2/3)
    section_key: str = ""  # key of the innermost Section this passage belongs to
    part: tuple[int, int] | None = None  # (k, n) when a long article was split
    page: int | None = None  # page in the source file, for PDFs and scans


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What the text says about itself."""

    title: str
    doc_type: str = ""  # 章程 | 条例 | 细则 | 规定 | 准则 | 意见 | 办法 | 通知 | 工作要点 | 计划 | …
    issuer: str = ""
    issued_line: str = ""  # the issuing/revision line as written, e.g. （2019年11月29日…修订）
    dates: tuple[str, ...] = ()  # ISO dates found in the issuing line
    revision_year: int | None = None
    published: str = ""  # ISO date a web page says it was published (发布时间), when it says so
    doc_number: str = ""  # a 公文's 发文字号: 中直党发〔2023〕5号
    written: str = ""  # a 公文's 成文日期, ISO
    signer: str = ""  # a 公文's 签发人
    addressee: str = ""  # a 公文's 主送机关
    ocr_pages: tuple[int, ...] = ()  # pages (from 1) whose text was read by OCR from a scan or photo
    unread_pages: tuple[int, ...] = ()  # scanned pages OCR could not read reliably: left out, reported

    @property
    def date(self) -> str:
        """The date a reader dates the document by: a 公文's 成文日期, else a page's publication date."""
        return self.written or self.published


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    source: str  # the file name it came from
    text: str  # cleaned text; all offsets refer to it
    meta: DocumentMeta
    outline: tuple[Section, ...] = ()
    passages: tuple[Passage, ...] = ()
    content_hash: str = ""  # sha256 of the raw source bytes
    text_hash: str = ""  # sha256 of the text with whitespace removed: the same article saved twice
    format: str = ""  # the reader that read it: txt | md | pdf | docx | html | image
    ingest_version: str = ""  # fingerprint of the ingest code that segmented it

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass(frozen=True, slots=True)
class SourceText:
    """What a format reader gives the pipeline: the text and what the format says about it."""

    text: str
    format: str
    headings: tuple[tuple[str, int], ...] = ()  # lines the format marks as headings: (line, level)
    page_starts: tuple[int, ...] | None = None  # offset where each page starts (text in clean form)
    title: str = ""  # the title the format states (a web page's <title>), "" when it states none
    published: str = ""  # ISO publication date the source states
    ocr_pages: tuple[int, ...] = ()  # pages (from 1) read by OCR
    unread_pages: tuple[int, ...] = ()  # scanned pages left out: OCR could not read them reliably
