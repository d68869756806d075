"""OFD files, as e-government systems export 公文, are read like the same document saved from Word.

tests/make_ofd.py lays the fictional regulation 《XX市机关党支部工作规则》 out in an OFD the way an
export has it: a running header on a template page, 「— N —」 page numbers, lines wrapped at the
column and drawn in pieces, a table, a title broken over two lines, a seal. A member who ingests it
must get the passages the Word file gives, each citing the page it starts on, with no header or page
number in them; an OFD built to exhaust the reader is refused by name, quickly and in bounded memory,
while the rest of the batch is read.
"""

from __future__ import annotations

import random
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.loader import IngestError, load_document, parse_document
from ingest.model import Document
from tests.make_fixtures import FIXTURES, ISSUED, RUNNING_HEADER, TABLE, TITLE
from tests.make_ofd import (
    NS,
    SEAL_TEXT,
    TITLE_LINES,
    ofd_bytes,
    one_page_parts,
    regulation_layout,
    write_ofd_entity_bomb,
    write_ofd_of_many_pages,
    write_ofd_zip_bomb,
    write_regulation_ofd,
)
from tests.test_formats import ARTICLE, PAGE_NUMBER, article_passages, read_or_refused


@pytest.fixture(scope="module")
def ofd_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_regulation_ofd(tmp_path_factory.mktemp("ofd"))


@pytest.fixture(scope="module")
def ofd_doc(ofd_path: Path) -> Document:
    return parse_document(ofd_path.read_bytes(), ofd_path.name)


def parts_of(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


# --- the regulation ----------------------------------------------------------------------------


def test_the_fixture_is_laid_out_as_an_export(ofd_path: Path) -> None:
    """The OFD really is like an export: otherwise the tests below would prove nothing."""
    parts = parts_of(ofd_path)
    pages = [parts[f"Doc_0/Pages/Page_{k}/Content.xml"] for k in range(3)]
    assert RUNNING_HEADER in parts["Doc_0/Tpls/Tpl_0/Content.xml"]  # drawn by the template only
    assert not any(RUNNING_HEADER in page for page in pages)
    assert all(f"— {k} —" in page for k, page in enumerate(pages, start=1))
    assert all(page.index("— ") < page.index("第") for page in pages)  # page number written first
    assert 'DeltaX="g ' in pages[0] and "<ofd:TextCode X=" in pages[0]  # "g" shorthand, glyph by glyph
    assert ">九</ofd:TextCode>" in pages[1]  # 第九条's line, glyph by glyph
    assert not any(">\u3000</ofd:TextCode>" in page for page in pages)  # its space left as a gap
    assert "/Doc_0/Pages/Page_1/Content.xml" in parts["Doc_0/Document.xml"]  # located from the root
    assert "<ofd:TextObject" not in parts["Doc_0/Signs/Sign_0/Signature.xml"]
    assert SEAL_TEXT in parts["Doc_0/Annots/Page_2/Annotation.xml"]  # the seal's words: its appearance
    last_lines = [page[-1][1] for page in regulation_layout()]
    assert not str(last_lines[1]).endswith("。")  # a sentence runs on from page 2 to page 3


def test_an_ofd_gives_the_passages_the_word_file_gives(ofd_doc: Document) -> None:
    word = load_document(FIXTURES / "regulation.docx")
    assert [p.citation for p in ofd_doc.passages] == [p.citation for p in word.passages]
    assert [p.heading_path for p in ofd_doc.passages] == [p.heading_path for p in word.passages]
    # Word has paragraphs; a fixed layout keeps a break where a sentence ended at the column's edge,
    # as a PDF's text does. Spaces, tabs and every character are the same.
    assert [p.text.replace("\n", "") for p in ofd_doc.passages] == [
        p.text.replace("\n", "") for p in word.passages
    ]
    assert ofd_doc.format == "ofd"


def test_each_passage_carries_the_page_it_starts_on(ofd_doc: Document) -> None:
    printed_on = {
        match.group(): number
        for number, page in enumerate(regulation_layout(), start=1)
        for _, line in page
        if isinstance(line, str) and (match := ARTICLE.match(line))
    }
    pages = {label: passage.page for label, passage in article_passages(ofd_doc).items()}
    assert pages == printed_on
    assert set(pages.values()) == {1, 2, 3}


def test_no_passage_holds_the_running_header_or_a_page_number(ofd_doc: Document) -> None:
    assert RUNNING_HEADER not in ofd_doc.text and not PAGE_NUMBER.search(ofd_doc.text)
    for passage in ofd_doc.passages:
        assert RUNNING_HEADER not in passage.text and not PAGE_NUMBER.search(passage.text)


def test_the_title_is_the_regulations_though_the_page_breaks_it_over_two_lines(ofd_doc: Document) -> None:
    assert ofd_doc.title == TITLE  # as DocInfo states it, and the page's first two lines say it
    assert ofd_doc.text.split("\n")[:2] == list(TITLE_LINES)
    assert ofd_doc.meta.issued_line == ISSUED
    assert ofd_doc.meta.dates == ("2023-05-06", "2023-06-01")  # digits drawn in their own font, unspaced


def test_a_table_row_is_one_line_with_its_cells_separated_by_a_tab(ofd_doc: Document) -> None:
    lines = ofd_doc.text.split("\n")
    assert all("\t".join(row) in lines for row in TABLE)  # as the Word reader gives them


def test_a_space_left_as_a_gap_is_read_as_a_space(ofd_doc: Document) -> None:
    assert "第九条　党支部每年至少召开一次组织生活会" in ofd_doc.text  # 第九条 is drawn glyph by glyph


def test_the_seal_is_not_text(ofd_doc: Document) -> None:
    assert SEAL_TEXT not in ofd_doc.text


# --- how exporters write pages --------------------------------------------------------------


def page(*objects: str) -> str:
    """A page's Content.xml drawing `objects` in one layer."""
    layer = f'<ofd:Layer ID="1">{"".join(objects)}</ofd:Layer>'
    return f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content>{layer}</ofd:Content></ofd:Page>'


def text(x: float, baseline: float, chars: str, size: float = 5, extra: str = "") -> str:
    """A text object drawing `chars` from (x, baseline), in mm, in one text code."""
    boundary = f"{x} {baseline - size} {size * len(chars)} {size * 1.25}"
    code = f'<ofd:TextCode X="0" Y="{size}">{chars}</ofd:TextCode>'
    return f'<ofd:TextObject ID="2" Boundary="{boundary}" Size="{size}" {extra}>{code}</ofd:TextObject>'


def read(parts: dict[str, bytes], name: str = "测试.ofd") -> Document:
    return parse_document(ofd_bytes(parts), name)


ARTICLES = ("第一条　党员应当遵守本规定。", "第二条　本规定自发布之日起施行。")


def test_text_is_read_in_reading_order_whatever_order_the_file_draws_it_in() -> None:
    content = page(
        text(100, 280, "— 1 —"),
        text(30, 50, ARTICLES[1]),
        text(55, 40, ARTICLES[0][5:]),  # a line's right part first
        text(30, 40, ARTICLES[0][:5]),
        text(80, 25, "测试规定"),
    )
    assert read(one_page_parts(content)).text.split("\n") == ["测试规定", *ARTICLES]


def without_prefix(xml: str) -> str:
    return xml.replace("ofd:", "").replace("xmlns:ofd=", "xmlns=")


def without_namespace(xml: str) -> str:
    return without_prefix(xml).replace(f' xmlns="{NS}"', "")


def another_prefix(xml: str) -> str:
    return xml.replace("ofd:", "o:").replace("xmlns:ofd=", "xmlns:o=")


@pytest.mark.parametrize("rewrite", [without_prefix, without_namespace, another_prefix])
def test_parts_are_read_whatever_namespace_prefix_they_use(rewrite: Callable[[str], str]) -> None:
    parts = one_page_parts(page(text(30, 40, ARTICLES[0]), text(30, 50, ARTICLES[1])), title="测试规定")
    rewritten = {name: rewrite(data.decode()).encode() for name, data in parts.items()}
    assert read(rewritten).text.split("\n") == list(ARTICLES)


def test_locations_are_read_from_the_root_with_backslashes_and_in_another_case() -> None:
    parts = one_page_parts(page(text(30, 40, ARTICLES[0])))
    parts["OFD.xml"] = parts["OFD.xml"].replace(b">Doc_0/Document.xml<", b">/Doc_0/Document.xml<")
    document = parts["Doc_0/Document.xml"].replace(
        b"Pages/Page_0/Content.xml", b"./pages\\page_0\\content.xml"
    )
    parts["Doc_0/Document.xml"] = document
    assert read(parts).text == ARTICLES[0]


def test_what_a_template_page_draws_is_read_where_it_stands() -> None:
    """Templates carry what every page repeats: a header, a page number, or here a letterhead."""
    letterhead = "中共XX市直属机关工作委员会文件"
    parts = one_page_parts(page(text(30, 60, ARTICLES[0])).replace("<ofd:Content>", TEMPLATE_REF))
    parts["Doc_0/Document.xml"] = parts["Doc_0/Document.xml"].replace(
        b"</ofd:CommonData>", b'<ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
    )
    parts["Doc_0/Tpls/Tpl_0/Content.xml"] = page(text(30, 30, letterhead, size=8)).encode()
    assert read(parts).text.split("\n") == [letterhead, ARTICLES[0]]


TEMPLATE_REF = '<ofd:Template TemplateID="9" ZOrder="Background"/><ofd:Content>'


def test_a_text_object_scaled_by_its_ctm_falls_in_place() -> None:
    """The label is drawn at half size and scaled up: it ends an em before the article's words."""
    content = page(
        text(20, 32.5, "第一条", size=2.5, extra='CTM="2 0 0 2 0 0"'),  # 5 mm glyphs, baseline at 35
        text(40, 35, ARTICLES[0][4:]),
    )
    assert read(one_page_parts(content)).text == ARTICLES[0]


def test_a_docinfo_title_the_page_does_not_say_is_not_taken() -> None:
    parts = one_page_parts(page(text(80, 25, "测试规定"), text(30, 40, ARTICLES[0])), title="新建文档.docx")
    assert read(parts).title == "测试规定"


def test_a_deltax_claiming_a_billion_repeats_costs_nothing() -> None:
    code = '<ofd:TextCode X="0" Y="5" DeltaX="g 1000000000 5">第一条　党员应当遵守本规定。</ofd:TextCode>'
    content = page(f'<ofd:TextObject ID="2" Boundary="30 35 140 6" Size="5">{code}</ofd:TextObject>')
    started = time.monotonic()
    assert read(one_page_parts(content)).text == ARTICLES[0]
    assert time.monotonic() - started < 5


# --- refused -------------------------------------------------------------------------------------


def test_an_ofd_of_scanned_pages_is_refused_as_having_no_text(tmp_path: Path) -> None:
    path = tmp_path / "扫描件.ofd"
    image = '<ofd:ImageObject ID="2" Boundary="0 0 210 297" ResourceID="9"/>'
    path.write_bytes(ofd_bytes(one_page_parts(page(image))))
    with pytest.raises(IngestError, match=r"^扫描件\.ofd：该OFD文件没有文字（可能是扫描件）"):
        load_document(path)


def _missing_page(parts: dict[str, bytes]) -> None:
    del parts["Doc_0/Pages/Page_0/Content.xml"]


def _cut_page(parts: dict[str, bytes]) -> None:
    parts["Doc_0/Pages/Page_0/Content.xml"] = parts["Doc_0/Pages/Page_0/Content.xml"][:-40]


def _letters_for_numbers(parts: dict[str, bytes]) -> None:
    parts["Doc_0/Pages/Page_0/Content.xml"] = parts["Doc_0/Pages/Page_0/Content.xml"].replace(
        b'Boundary="30', b'Boundary="x'
    )


def _infinite_size(parts: dict[str, bytes]) -> None:
    parts["Doc_0/Pages/Page_0/Content.xml"] = parts["Doc_0/Pages/Page_0/Content.xml"].replace(
        b'Size="5"', b'Size="inf"'
    )


def _no_document(parts: dict[str, bytes]) -> None:
    parts["OFD.xml"] = re.sub(rb"<ofd:DocRoot>.*</ofd:DocRoot>", b"", parts["OFD.xml"])


@pytest.mark.parametrize(
    "damage", [_missing_page, _cut_page, _letters_for_numbers, _infinite_size, _no_document]
)
def test_a_damaged_ofd_is_refused_as_damaged(
    tmp_path: Path, damage: Callable[[dict[str, bytes]], None]
) -> None:
    parts = one_page_parts(page(text(30, 40, ARTICLES[0])))
    damage(parts)
    path = tmp_path / "损坏.ofd"
    path.write_bytes(ofd_bytes(parts))
    with pytest.raises(IngestError, match=r"^损坏\.ofd：OFD文件已损坏，无法读取$"):
        load_document(path)


def test_damaged_parts_give_a_document_or_an_ingest_error_never_another_exception(
    ofd_path: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(ofd_path) as archive:
        original = {name: archive.read(name) for name in archive.namelist()}
    xml_parts = sorted(name for name in original if name.endswith(".xml"))
    rng = random.Random("ofd")
    for attempt in range(30):
        parts = dict(original)
        name = rng.choice(xml_parts)
        data = bytearray(parts[name])
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] = rng.choice(b' "<>/=.-0123456789gXYabc\xe5')
        parts[name] = bytes(data)
        read_or_refused(tmp_path / f"{attempt}.ofd", ofd_bytes(parts))


def test_the_ofd_bombs_really_are_bombs(tmp_path: Path) -> None:
    """Small on disk, and what they declare is far beyond what a document needs (test_hostile_files
    has them refused)."""
    bomb, entities, many = (
        write(tmp_path) for write in (write_ofd_zip_bomb, write_ofd_entity_bomb, write_ofd_of_many_pages)
    )
    with zipfile.ZipFile(bomb) as archive:
        assert sum(info.file_size for info in archive.infolist()) > 1000 * 2**20
    assert bomb.stat().st_size < 10 * 2**20
    with zipfile.ZipFile(entities) as archive:
        assert b"<!ENTITY e9" in archive.read("Doc_0/Pages/Page_0/Content.xml")
    with zipfile.ZipFile(many) as archive:
        assert archive.read("Doc_0/Document.xml").count(b"<ofd:Page ") == 200_000
    assert many.stat().st_size < 2 * 2**20
