"""Study packs as files to print or share: a Word document in the look of official documents, and Markdown.

The layout follows what members know from official documents (GB/T 9704): A4, a centred title in 小标宋
style, the body in 仿宋 三号 (16pt) with a two-character first-line indent on a fixed 28pt line. Excerpts
stay verbatim: one paragraph per line of the passage, nothing reworded or escaped, and each carries its
citation on its own line so every quotation can be checked against its source.

The Word helpers here (`new_document`, `add_title`, `add_heading`, `add_body`, `docx_bytes`) are shared
with the quiz paper (index/quiz/export.py), so both files look alike.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.text.font import Font
from docx.text.paragraph import Paragraph

from index.study.model import Excerpt, StudyPack

# 方正小标宋简体 is what official documents specify, but it is missing on many office machines and Word
# would substitute an arbitrary font; 宋体 in bold ships with every Chinese Windows, WPS and LibreOffice.
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
CITATION_FONT = "楷体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
CITATION_SIZE = Pt(14)  # 四号: smaller than the text it cites
LINE = Pt(28)  # fixed line pitch of official documents (22 lines a page)
CITATION_DASH = "——"

# Characters XML 1.0 forbids; lxml refuses them, and they cannot stand in a .docx anyway.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def chinese_date(day: date) -> str:
    """2026年12月2日, as a date is written under an official document's title."""
    return f"{day.year}年{day.month}月{day.day}日"


def citation_line(citation: str) -> str:
    """——《中国共产党章程》第二章 第八条: the citation as it stands under a quotation."""
    return f"{CITATION_DASH}{citation}"


def pack_file(pack: StudyPack, fmt: str) -> bytes:
    """The pack as the bytes of a file in `fmt`: docx or markdown."""
    return pack_docx(pack) if fmt == "docx" else pack_markdown(pack).encode()


def pack_docx(pack: StudyPack) -> bytes:
    """The study pack as a .docx: title, date, a 《document》 heading per run of excerpts, each excerpt and
    its citation."""
    doc = new_document(pack.title)
    add_title(doc, pack.title, pack.made)
    for document_title, run in _runs(pack.excerpts):
        add_heading(doc, f"《{document_title}》")
        for excerpt in run:
            for line in excerpt.passage.text.split("\n"):
                add_body(doc, line)
            add_source(doc, citation_line(excerpt.passage.citation))
    return docx_bytes(doc)


def pack_markdown(pack: StudyPack) -> str:
    """The study pack as Markdown with the same content as the .docx.

    Each excerpt is a blockquote, one `> ` paragraph per line of the passage: the text itself stays
    verbatim (nothing escaped), and the citation follows as its own paragraph.
    """
    title = " ".join(pack.title.split())  # a line break would end the heading
    out = [f"# {title}", "", chinese_date(pack.made), ""]
    for document_title, run in _runs(pack.excerpts):
        out += [f"## 《{document_title}》", ""]
        for excerpt in run:
            for k, line in enumerate(excerpt.passage.text.split("\n")):
                if k:  # a bare ">" keeps each line its own paragraph (consecutive "> " lines would merge)
                    out.append(">")
                out.append(f"> {line}" if line else ">")
            out += ["", citation_line(excerpt.passage.citation), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _runs(excerpts: tuple[Excerpt, ...]) -> Iterator[tuple[str, list[Excerpt]]]:
    """Consecutive excerpts of the same document, in the order the user arranged them (a document may come
    back later, under a heading of its own)."""
    run: list[Excerpt] = []
    for excerpt in excerpts:
        if run and excerpt.passage.document_id != run[-1].passage.document_id:
            yield run[0].document_title, run
            run = []
        run.append(excerpt)
    if run:
        yield run[0].document_title, run


# --- Word helpers, shared with index/quiz/export.py ---------------------------------------------------


def new_document(title: str) -> DocxDocument:
    """An empty A4 document with official-document margins and styles."""
    doc = new_docx()
    for section in doc.sections:  # python-docx's template is US Letter
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    _set_font(normal.font, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    # Headings keep Word's Heading 1 (navigation pane, outline) but look like an official 一级标题.
    heading = doc.styles["Heading 1"]
    _set_font(heading.font, HEADING_FONT, BODY_SIZE)
    heading.font.bold = False
    heading.font.color.rgb = RGBColor(0, 0, 0)
    heading.paragraph_format.space_before = heading.paragraph_format.space_after = Pt(0)
    heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    heading.paragraph_format.line_spacing = LINE
    _chinese_language(doc)
    properties = doc.core_properties
    properties.title = _xml_safe(title)
    properties.author = properties.last_modified_by = "党建知识库"  # not the template's "python-docx"
    properties.comments = ""
    return doc


def add_title(doc: DocxDocument, title: str, made: date) -> None:
    """The centred title in 小标宋 style and the date under it."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(36)  # a 22pt title needs more than the body's 28pt
    run = paragraph.add_run(_xml_safe(title))
    run.bold = True
    _set_font(run.font, TITLE_FONT, TITLE_SIZE)
    dated = doc.add_paragraph(chinese_date(made))
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dated.paragraph_format.space_after = LINE  # one blank line before the text, as in official documents


def add_heading(doc: DocxDocument, text: str, *, centred: bool = False) -> Paragraph:
    """A first-level heading (黑体, Heading 1 for Word's navigation pane): indented two characters like
    the text, or centred."""
    paragraph = doc.add_paragraph(_xml_safe(text), style="Heading 1")
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        _first_line_indent(paragraph)
    return paragraph


def add_body(doc: DocxDocument, text: str, *, indent: bool = True) -> Paragraph:
    """A paragraph of body text in 仿宋 三号, first line indented two characters."""
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(_xml_safe(text))
    _set_font(run.font, BODY_FONT, BODY_SIZE)  # on the run too: pasted elsewhere, it keeps its font
    if indent:
        _first_line_indent(paragraph)
    return paragraph


def add_source(doc: DocxDocument, text: str) -> Paragraph:
    """A source line: right-aligned, 楷体 四号, so it reads as a note under the text it belongs to."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(_xml_safe(text))
    _set_font(run.font, CITATION_FONT, CITATION_SIZE)
    return paragraph


def docx_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _set_font(font: Font, name: str, size: Length) -> None:
    """Set a font for Chinese and Latin text alike.

    Word picks the font of Chinese characters from w:eastAsia, which python-docx's `font.name` leaves
    alone; theme attributes (as in Heading 1) would override explicit names, so they go.
    """
    font.name = name
    font.size = size
    fonts = font.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), name)


def _chinese_language(doc: DocxDocument) -> None:
    """Mark the text as Chinese: the template says en-US and takes its East Asian theme fonts from Japanese,
    so Word would use Japanese glyphs and line-breaking rules for any text without a font of its own."""
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _first_line_indent(paragraph: Paragraph) -> None:
    """Two characters, in characters (w:firstLineChars) so it follows the font size; the length is for
    readers that ignore character units."""
    paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), "200")


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)
