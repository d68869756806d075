"""Every real format and hostile input: ingested cleanly or refused clearly.

Most fixtures in tests/fixtures/ (made by tests/make_fixtures.py) carry one
fictional regulation, 《XX市机关党支部工作规则》, 5 chapters and 14 articles, in
the shapes real files arrive in. Each format must give back the same 14 articles,
without page furniture, web-page chrome or hard wraps; each hostile input must
be refused with a Chinese reason that names the file, or be ingested sensibly.
Headings that only the format marks (Markdown #, Word heading styles, HTML <hN>)
must open sections of their own.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from ingest.loader import IngestError, expand_paths, load_document
from ingest.markdown import markdown_headings
from ingest.model import Document, Passage
from ingest.outline import UNIT_KINDS, iter_sections
from ingest.pdf import join_pages, read_pages
from tests.make_fixtures import (
    CHAPTERS,
    DOCX_FOOTER,
    DOCX_HEADER,
    FIXTURES,
    ISSUED,
    PDF_PASSWORD,
    PROGRAMME,
    PROGRAMME_TITLE,
    RUNNING_HEADER,
    TABLE,
    TABLE_AFTER_ARTICLE,
    TITLE,
    TRAINING_PLAN,
    TRAINING_PLAN_TITLE,
    regulation_lines,
)

WORD_FILES = (".docx", ".doc", ".wps", ".odt", ".rtf")  # the Word fixture and its copies, with its table
ARTICLE = re.compile(r"第[一二三四五六七八九十]+条")
PAGE_NUMBER = re.compile(r"[—-]\s*\d+\s*[—-]")
MAX_CHARS = 600


def fixture(name: str) -> Path:
    return FIXTURES / name


def squeeze(text: str) -> str:
    """Text without whitespace: formats differ in spaces (　 or " ") and in line breaks."""
    return re.sub(r"\s", "", text)


def expected_articles(*, with_table: bool = False) -> dict[str, str]:
    """Article label → its text as written, list items and (for Word) the table included."""
    articles: dict[str, str] = {}
    for _, paragraphs in CHAPTERS:
        for paragraph in paragraphs:
            if label := ARTICLE.match(paragraph):
                articles[label.group()] = paragraph
            else:  # a list item belongs to the article before it
                articles[next(reversed(articles))] += paragraph
    if with_table:
        articles[TABLE_AFTER_ARTICLE] += "".join("".join(row) for row in TABLE)
    return articles


def article_passages(doc: Document) -> dict[str, Passage]:
    by_label = {section.key: section.label for section in iter_sections(doc.outline)}
    return {by_label[p.section_key]: p for p in doc.passages if p.section_key in by_label}


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；：])", squeeze(text)) if s]


def cited(doc: Document) -> list[str]:
    """Each passage's citation without the 《title》 it starts with."""
    return [p.citation.removeprefix(f"《{doc.title}》") for p in doc.passages]


# --- every format gives the regulation back ------------------------------------------

FORMATS = {
    "regulation.pdf": None,
    "regulation-encrypted.pdf": PDF_PASSWORD,
    "regulation.docx": None,
    "regulation.doc": None,  # the Word file as saved by an office suite in the older formats
    "regulation.wps": None,
    "regulation.odt": None,
    "regulation.rtf": None,
    "article.html": None,
    "untitled-article.htm": None,
    "regulation-gbk.txt": None,
    "regulation-utf16.txt": None,
}


@pytest.mark.parametrize(("name", "password"), FORMATS.items())
def test_each_format_gives_the_title_issuing_line_chapters_and_all_fourteen_articles(
    name: str, password: str | None
) -> None:
    doc = load_document(fixture(name), password=password)
    assert doc.title == TITLE
    assert squeeze(doc.meta.issued_line) == squeeze(ISSUED)
    assert doc.meta.dates == ("2023-05-06", "2023-06-01")
    chapters = [s.label for s in iter_sections(doc.outline) if s.kind == "chapter"]
    assert chapters == ["第一章", "第二章", "第三章", "第四章", "第五章"]
    expected = expected_articles(with_table=name.endswith(WORD_FILES))
    passages = article_passages(doc)
    assert list(passages) == list(expected)
    for label, text in expected.items():
        assert squeeze(passages[label].text) == squeeze(text), (name, label)
        assert passages[label].citation.startswith(f"《{TITLE}》第")


@pytest.mark.parametrize("name", FORMATS)
def test_no_sentence_is_broken_across_lines(name: str) -> None:
    """Hard wraps are undone: every sentence of the source lies within one line of the text."""
    doc = load_document(fixture(name), password=FORMATS[name])
    lines = [squeeze(line) for line in doc.text.split("\n")]
    for sentence in (s for line in regulation_lines() for s in sentences(line)):
        assert any(sentence in line for line in lines), (name, sentence)


# --- PDF -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_doc() -> Document:
    return load_document(fixture("regulation.pdf"))


def test_pdf_fixture_has_furniture_hard_wraps_and_a_sentence_across_a_page_break() -> None:
    """The fixture really is hostile: otherwise the tests below would prove nothing."""
    pages = read_pages(fixture("regulation.pdf").read_bytes())
    assert len(pages) == 3
    assert all(RUNNING_HEADER in page and f"— {k} —" in page for k, page in enumerate(pages, 1))
    assert pages[0].rstrip().splitlines()[-2].endswith("按照规")  # the last body line, before 「— 1 —」
    assert pages[1].splitlines()[1].startswith("定程序补选")  # the first body line, after the header
    assert max(len(line) for page in pages for line in page.splitlines()) < 40  # wrapped at the column


def test_pdf_text_has_no_running_header_footer_or_page_number(pdf_doc: Document) -> None:
    assert RUNNING_HEADER not in pdf_doc.text
    assert not PAGE_NUMBER.search(pdf_doc.text)
    for passage in pdf_doc.passages:
        assert RUNNING_HEADER not in passage.text and not PAGE_NUMBER.search(passage.text)
    # nothing else was lost either: the text is the regulation, character for character
    assert squeeze(pdf_doc.text) == squeeze("".join(regulation_lines()))


def test_pdf_sentence_split_across_a_page_break_comes_back_whole(pdf_doc: Document) -> None:
    article = article_passages(pdf_doc)["第六条"]
    assert "应当在三个月内按照规定程序补选；因机构调整需要撤销或者合并党支部的" in article.text
    assert "\n" not in article.text


def test_pdf_passages_carry_the_page_they_start_on(pdf_doc: Document) -> None:
    pages = {label: p.page for label, p in article_passages(pdf_doc).items()}
    assert pages == {
        **dict.fromkeys(["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"], 1),
        **dict.fromkeys(["第七条", "第八条", "第九条", "第十条", "第十一条", "第十二条"], 2),
        **dict.fromkeys(["第十三条", "第十四条"], 3),
    }
    raw_pages = [squeeze(page) for page in read_pages(fixture("regulation.pdf").read_bytes())]
    for passage in pdf_doc.passages:  # the page named is the one the passage's first words are printed on
        assert passage.page is not None
        assert squeeze(passage.text)[:12] in raw_pages[passage.page - 1], passage.citation


def test_other_formats_have_no_pages() -> None:
    assert all(p.page is None for p in load_document(fixture("regulation.docx")).passages)


# --- Word 97–2003, WPS, OpenDocument, RTF ---------------------------------------------


def test_older_office_files_are_converted_and_say_which_format_they_were() -> None:
    formats = {
        name: load_document(fixture(f"regulation.{name}")).format for name in ("doc", "wps", "odt", "rtf")
    }
    assert formats == {"doc": "doc", "wps": "wps", "odt": "odt", "rtf": "rtf"}


def test_a_word_97_file_named_docx_or_an_rtf_named_doc_is_read_for_what_it_is(tmp_path: Path) -> None:
    for source, name in (("regulation.doc", "改名.docx"), ("regulation.rtf", "另存为.doc")):
        shutil.copy(fixture(source), tmp_path / name)
        assert len(article_passages(load_document(tmp_path / name))) == 14, name


def test_without_libreoffice_an_old_word_file_is_refused_naming_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine where soffice cannot be found
    with pytest.raises(IngestError) as caught:
        load_document(fixture("regulation.doc"))
    assert caught.value.reason.startswith("读取 .doc 文件需要 LibreOffice，本机未安装")
    assert "libreoffice-writer-nogui" in caught.value.reason


@pytest.mark.parametrize(
    "footer",
    ["— 2 —", "-2-", "- 2 -", "第2页 共3页", "第 2 页", "2/3", "2", "Page 2 of 3", "共3页 第2页"],
)
def test_page_numbers_in_common_forms_are_removed(footer: str) -> None:
    """Even on one page only, where the running-line rule cannot see them repeat."""
    body = "第一条　党支部应当严格落实“三会一课”制度，党员大会一般每季度召开一次，支部委员会"
    pages = [f"{footer}\n{body}\n{footer}", "一般每月召开一次。\n第二条　本规则自发布之日起施行。"]
    text, starts = join_pages(pages)
    assert text == f"{body}一般每月召开一次。\n第二条　本规则自发布之日起施行。"
    assert starts == [0, len(body)]  # page 2 starts inside the sentence page 1 began


def test_running_lines_are_found_despite_varying_digits_and_a_title_repeating_the_header() -> None:
    pages = [
        "党建工作规则\n党建工作规则\n第一条　正文第一页。\n内部资料 第1期",
        "党建工作规则\n第二条　正文第二页。\n内部资料 第2期",
        "党建工作规则\n第三条　正文第三页。\n内部资料 第3期",
    ]
    text, _ = join_pages(pages)
    assert text == "党建工作规则\n第一条　正文第一页。\n第二条　正文第二页。\n第三条　正文第三页。"


def test_only_full_lines_not_ending_a_sentence_and_not_followed_by_a_numbered_line_are_joined() -> None:
    column = "为了加强和改进机关党支部建设，提高党支部组织力，推动全面从严治党向基"
    lines = ["示例规则", "（2023年5月6日通过）", "第一章　总则", f"第一条　{column}", "层延伸"]
    lines += ["（一）坚持政治引领", "1.坚持问题导向", "第二条　施行"]
    text, _ = join_pages(["\n".join(lines)])
    assert text.split("\n") == [
        "示例规则",
        "（2023年5月6日通过）",
        "第一章　总则",
        f"第一条　{column}层延伸",
        "（一）坚持政治引领",
        "1.坚持问题导向",
        "第二条　施行",
    ]


def test_encrypted_pdf_needs_its_password() -> None:
    path = fixture("regulation-encrypted.pdf")
    with pytest.raises(IngestError, match=r"regulation-encrypted\.pdf：该PDF已加密"):
        load_document(path)
    with pytest.raises(IngestError, match="密码不正确"):
        load_document(path, password="wrong")


def test_aes_encrypted_pdf_opens_with_its_password(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(fixture("regulation.pdf")))
    writer.encrypt("用户密码", algorithm="AES-256")
    path = tmp_path / "aes.pdf"
    writer.write(path)
    assert len(article_passages(load_document(path, password="用户密码"))) == 14


def test_a_scan_without_text_and_a_truncated_pdf_are_refused_with_the_reason() -> None:
    with pytest.raises(IngestError, match=r"^scanned\.pdf：该PDF没有文字，扫描页也未识别出文字$"):
        load_document(fixture("scanned.pdf"))
    with pytest.raises(IngestError, match=r"^truncated\.pdf：PDF文件不完整"):
        load_document(fixture("truncated.pdf"))


def test_content_decides_the_format_not_the_name(tmp_path: Path) -> None:
    renamed = tmp_path / "规则.txt"
    shutil.copy(fixture("regulation.pdf"), renamed)
    assert article_passages(load_document(renamed))["第十三条"].page == 3


# --- Word ----------------------------------------------------------------------------


def test_docx_keeps_headings_and_table_rows_and_leaves_out_header_and_footer() -> None:
    doc = load_document(fixture("regulation.docx"))
    assert DOCX_HEADER not in doc.text and DOCX_FOOTER not in doc.text
    lines = doc.text.split("\n")
    assert lines[0] == TITLE  # the title was broken over two lines in Word
    assert "\t".join(TABLE[1]) in lines  # one line per row, cells separated by a tab
    assert "第三章　组织生活" in lines  # a heading in the style 标题 2, as WPS names it


def test_docx_headings_by_style_and_outline_level_open_sections_nested_by_level() -> None:
    doc = load_document(fixture("training-plan.docx"))
    assert doc.title == TRAINING_PLAN_TITLE  # the Title paragraph heads the document, it is no section
    headings = [(s.key, s.heading) for s in iter_sections(doc.outline) if s.kind not in UNIT_KINDS]
    assert headings == [
        ("pre", "序言"),
        ("g1", "培训目标"),
        ("g2", "培训内容"),
        ("g2.g3", "理论学习"),  # Heading 2
        ("g2.g4", "业务能力"),  # a custom style whose outline level is 2
        ("g5", "组织保障"),
        ("g6", "其他事项"),  # a Normal paragraph given outline level 1 directly
    ]
    assert cited(doc) == [
        "序言",
        "培训目标",
        "培训内容 理论学习 第1项",
        "培训内容 理论学习 第2项",
        "培训内容 业务能力 第1项",
        "培训内容 业务能力 第2项",
        "组织保障",
        "其他事项",
    ]
    # every body paragraph is one passage of its own; no heading is in a passage
    assert [p.text for p in doc.passages] == [text for style, text in TRAINING_PLAN if style == "Normal"]


# --- web pages -----------------------------------------------------------------------

PAGE_CHROME = ["首页", "工作动态", "当前位置", "第九十九条", "发布时间", "字体", "打印本页", "关闭窗口"]
PAGE_CHROME += ["分享到", "微信", "QQ空间", "热点推荐", "版权所有", "ICP"]


@pytest.mark.parametrize("name", ["article.html", "untitled-article.htm"])
def test_web_page_gives_the_article_only(name: str) -> None:
    doc = load_document(fixture(name))
    assert [chrome for chrome in PAGE_CHROME if chrome in doc.text] == []
    assert doc.text.split("\n")[0] == TITLE  # from <h1>, or from <title> without the site name
    lead_in = article_passages(doc)["第三条"].text.split("\n")
    assert [line[:3] for line in lead_in] == ["第三条", "（一）", "（二）", "（三）"]  # <br> lines stay lines


def test_web_page_h2_and_h3_open_sections_nested_by_level() -> None:
    doc = load_document(fixture("programme.html"))
    assert doc.title == PROGRAMME_TITLE
    assert "热点推荐" not in doc.text  # the sidebar's <h3> is no heading of the article
    assert cited(doc) == [
        "序言",
        "创建目标",
        "创建内容 亮明党员身份",
        "创建内容 争创一流业绩",
        "方法步骤 第1项",
        "方法步骤 第2项",
        "方法步骤 第3项",
        "工作要求",
    ]
    assert doc.passages[2].heading_path == ("创建内容", "亮明党员身份")
    assert [p.text for p in doc.passages] == [text for tag, text in PROGRAMME if tag == "p"]


# --- text files ----------------------------------------------------------------------


def test_gbk_with_crlf_and_utf16_read_like_utf8(tmp_path: Path) -> None:
    utf8 = tmp_path / "utf8.txt"
    utf8.write_text("\n".join(regulation_lines()), encoding="utf-8")
    bom = tmp_path / "bom.txt"
    bom.write_text("\n".join(regulation_lines()), encoding="utf-8-sig")
    texts = {load_document(path).text for path in (utf8, bom, fixture("regulation-gbk.txt"))}
    assert texts == {load_document(fixture("regulation-utf16.txt")).text}
    assert "\r" not in texts.pop()


def test_markdown_headings_become_outline_headings() -> None:
    doc = load_document(fixture("workplan.md"))
    assert doc.title == "2023年XX机关党委工作要点"
    assert "#" not in doc.text and "**" not in doc.text
    headings = [s.heading for s in iter_sections(doc.outline) if s.kind == "section"]
    assert headings == ["一、加强政治建设", "二、夯实基层基础", "工作要求"]
    items = [p for p in doc.passages if p.citation.endswith("项")]
    assert [p.text[:2] for p in items] == ["1.", "2.", "1.", "2."]


def test_an_unnumbered_markdown_heading_opens_its_own_section() -> None:
    doc = load_document(fixture("workplan.md"))
    assert [s.key for s in doc.outline] == ["pre", "i1", "i2", "g1"]  # ## 工作要求 sits beside ## 一、…
    requirement = next(p for p in doc.passages if "3月底前报机关党委备案" in p.text)
    assert requirement.heading_path == ("工作要求",)
    assert requirement.citation == "《2023年XX机关党委工作要点》工作要求"
    assert not any("工作要求" in p.text for p in doc.passages)  # the heading ends the item before it


MARKDOWN_REGULATION = """# 机关党支部学习制度

## 第一章　总则

### 第一条　为了规范机关党支部的学习活动，制定本制度。

### 第二条　党支部学习以集中学习和个人自学相结合。

## 第二章　学习安排

### 第三条　党支部每月至少组织一次集中学习，每次不少于半天。

## 填报说明

学习记录由党支部组织委员填写，每年1月报机关党委存档。
"""


def test_marked_numbered_headings_keep_their_roles_and_a_txt_ignores_the_marks(tmp_path: Path) -> None:
    (tmp_path / "制度.md").write_text(MARKDOWN_REGULATION, encoding="utf-8")
    (tmp_path / "制度.txt").write_text(MARKDOWN_REGULATION, encoding="utf-8")
    markdown, plain = load_document(tmp_path / "制度.md"), load_document(tmp_path / "制度.txt")
    assert [(s.key, s.kind) for s in iter_sections(markdown.outline)] == [
        ("c1", "chapter"),
        ("c1.a1", "article"),  # ### 第一条 is still an article: its family, not its mark, decides
        ("c1.a2", "article"),
        ("c2", "chapter"),
        ("c2.a3", "article"),
        ("g1", "chapter"),  # marked like the chapters, so it stands beside them
    ]
    assert cited(markdown)[-2:] == ["第二章 第三条", "填报说明"]
    assert plain.text == markdown.text
    assert cited(plain)[-1] == "第二章 第三条" and plain.passages[-1].text.endswith("报机关党委存档。")


def test_markdown_headings_are_atx_headings_with_a_space_after_the_marker() -> None:
    text = "# 标题\n##工作要求\n  ###\u3000学习安排\n####### 七级\n正文 # 不是标题"
    assert markdown_headings(text) == [("# 标题", 1), ("  ###\u3000学习安排", 3)]


# --- hostile inputs ------------------------------------------------------------------

_ZIP = io.BytesIO()
with zipfile.ZipFile(_ZIP, "w") as _archive:
    _archive.writestr("xl/workbook.xml", "<workbook/>")
_NOISE = random.Random(6).randbytes(4096)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WEB_PAGE = "<html><body><p>第一条 内容。</p></body></html>".encode()
_EMPTY_PAGE = b"<html><head><title>x</title></head><body><script>1</script></body></html>"
_RARE_HANZI = bytes(b for k in range(600) for b in (0x81 + k % 32, 0x40 + k % 63))  # valid GBK, rare hanzi

HOSTILE = {
    "空文件.txt": (b"", "文件内容为空"),
    "只有空白.md": (b" \r\n\t\n  ", "文件内容为空"),
    "只有BOM.txt": ("\ufeff\u3000\n".encode(), "文件内容为空"),
    "乱码.txt": (_NOISE, "不是可读的文字"),
    "生僻字乱码.txt": (_RARE_HANZI, "不是可读的文字"),
    "utf16乱码.txt": (b"\xff\xfe\x00\x81", "不是可读的文字"),
    "程序.exe": (b"MZ\x90\x00\x03" + _NOISE, "不支持的文件类型“.exe”"),
    "表格.xls": (_OLE + _NOISE, "是旧版Excel、PowerPoint等Office格式"),
    "坏的旧文档.doc": (_OLE + "WordDocument".encode("utf-16-le") + _NOISE, "无法转换该 .doc 文件"),
    "改名的表格.docx": (_OLE + _NOISE, "是旧版Excel、PowerPoint等Office格式"),
    "加密.docx": (_OLE + "EncryptedPackage".encode("utf-16-le") + _NOISE, "是加密的Office文档"),
    "扫描件.jpg": (b"\xff\xd8\xff\xe0" + _NOISE, "图片文件已损坏或格式不受支持"),
    "其实是图片.pdf": (b"\x89PNG\r\n\x1a\n" + _NOISE, "扩展名是 .pdf，但内容不是PDF"),
    "其实是网页.pdf": (_WEB_PAGE, "扩展名是 .pdf，但内容不是PDF"),
    "其实是文本.docx": ("第一条　内容。".encode(), "扩展名是 .docx，但内容不是Word文档"),
    "其实是表格.docx": (_ZIP.getvalue(), "不是可读取的Word文档"),
    "坏的.docx": (b"PK\x03\x04" + _NOISE, "不是可读取的Word文档"),
    "坏的.pdf": (b"%PDF-1.7\n" + _NOISE + b"\n%%EOF\n", "PDF文件已损坏"),
    "其实是文本.rtf": ("第一条　内容。".encode(), "扩展名是 .rtf，但内容不是RTF文档"),
    "其实是表格.ofd": (_ZIP.getvalue(), "不是可读取的OFD文件（.ofd）"),
    "坏的.ofd": (b"PK\x03\x04" + _NOISE, "不是可读取的OFD文件（.ofd）"),
    "数据.csv": ("第一条,内容".encode(), "不支持的文件类型“.csv”"),
    "无扩展名": ("第一条　内容。".encode(), "不支持的文件类型“无扩展名”"),
    "空网页.html": (_EMPTY_PAGE, "没有找到正文"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_is_refused_with_a_chinese_reason_naming_the_file(tmp_path: Path, name: str) -> None:
    data, reason = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert str(caught.value).startswith(f"{name}：")
    assert reason in caught.value.reason


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"^不存在\.pdf：文件不存在$"):
        load_document(tmp_path / "不存在.pdf")


def test_a_300000_character_line_becomes_short_passages_quickly(tmp_path: Path) -> None:
    path = tmp_path / "一行.txt"
    line = "党员应当认真学习党的路线方针政策和决议，" * 15_000
    assert len(line) == 300_000
    path.write_text(line, encoding="utf-8")
    started = time.monotonic()
    doc = load_document(path)
    assert time.monotonic() - started < 30  # about a second; a quadratic step would take minutes
    assert len(doc.text) == 300_000
    assert all(len(p.text) <= MAX_CHARS for p in doc.passages)
    assert sum(len(p.text) for p in doc.passages) == 300_000


@pytest.mark.parametrize("name", ["regulation.pdf", "regulation.docx", "article.html", "regulation-gbk.txt"])
def test_damaged_copies_give_a_document_or_an_ingest_error_never_another_exception(
    tmp_path: Path, name: str
) -> None:
    original = fixture(name).read_bytes()
    rng = random.Random(name)
    for attempt in range(24):
        data = bytearray(original)
        if attempt % 3 == 0:
            data = data[: rng.randrange(len(data))]
        for _ in range(rng.randrange(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        read_or_refused(tmp_path / f"{attempt}{Path(name).suffix}", bytes(data))


def read_or_refused(path: Path, data: bytes) -> None:
    """`data`, saved at `path`, gives a document or an IngestError with a reason, never another exception."""
    path.write_bytes(data)
    try:
        load_document(path)
    except IngestError as exc:
        assert exc.reason


# --- a batch -------------------------------------------------------------------------


def test_folders_pick_up_every_supported_extension(tmp_path: Path) -> None:
    supported = ["a.pdf", "b.docx", "c.doc", "d.html", "e.htm", "f.md", "g.odt", "h.ofd", "i.txt", "j.wps"]
    for name in [*supported, "k.xls", "README.md"]:
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in expand_paths([tmp_path])] == supported


def test_a_batch_with_bad_files_ingests_the_good_ones(tmp_path: Path, model_path: Path) -> None:
    from index.knowledge_base import KnowledgeBase

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = ["regulation.pdf", "workplan.md"]
    bad = ["scanned.pdf", "truncated.pdf", "regulation-encrypted.pdf"]
    for name in good + bad:
        shutil.copy(fixture(name), inbox / name)
    (inbox / "其实是网页.pdf").write_text("<html><body>不是PDF</body></html>", encoding="utf-8")
    (inbox / "空.txt").write_bytes(b"")

    results = KnowledgeBase(tmp_path / "data", model_path).ingest([inbox])
    status = {Path(r.path).name: r for r in results}
    assert {name for name, r in status.items() if r.status == "ingested"} == set(good)
    for name in [*bad, "其实是网页.pdf", "空.txt"]:
        assert status[name].status == "failed" and status[name].message.startswith(f"{name}：")

    searcher = KnowledgeBase(tmp_path / "data", model_path).searcher()
    assert searcher is not None
    hit = searcher.search("党支部委员会出现空缺怎么补选", top_k=1)[0]
    assert hit.document_title == TITLE and hit.passage.page == 1
