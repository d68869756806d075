"""OFD files (GB/T 33190-2016) for the tests, deterministically: `python -m tests.make_ofd DIR`.

`regulation.ofd` carries the fictional regulation of tests/make_fixtures.py, 《XX市机关党支部工作规则》,
laid out on A4 pages as the PDF fixture is, in the shape an export from WPS or an e-government
system has: the running header drawn by a template page and the 「— N —」 page numbers by each page
(odd ones on the right, even ones on the left), lines wrapped at the column with sentences running
across page breaks, the title broken over two lines (as in the Word fixture) and whole in DocInfo,
and the Word fixture's table after 第七条, one text object per cell. A line is drawn in one of the
ways exporters draw lines: one text object with a DeltaX for every glyph ("g n d" shorthand and
all), several text objects that touch (split at its commas, or where digits and Latin letters
change to another font), or one text code per glyph, Y given on the first only and spaces left as
gaps. Each page writes
its page number before its body, so the order of the file is not the reading order, and one page
is located from the package's root ("/Doc_0/…"). The last page carries a seal: an image, a stamp
annotation whose appearance draws the seal's words, and an electronic signature, none of which is
the document's text.

The hostile files are an OFD zip bomb, an OFD whose page declares "billion laughs" entities and one
that declares 200000 pages. They are made by the tests that read them, never committed.
"""

from __future__ import annotations

import hashlib
import io
import sys
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from lxml import etree
from lxml.builder import ElementMaker
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4

from tests.make_fixtures import (
    _BODY_BOTTOM,
    _BODY_SIZE,
    _BODY_TOP,
    _LEFT,
    _LINE_HEIGHT,
    BOMB_UNPACKED,
    RUNNING_HEADER,
    TABLE,
    TITLE,
    _layout,
    jpeg_of_huge_size,
    write_zip_bomb,
)

NS = "http://www.ofdspec.org/2016"
SEAL_TEXT = "XX市直属机关工委电子印章"  # the words round the seal: in its appearance, not on the page
TITLE_LINES = ("XX市机关党支部", "工作规则")
MANY_PAGES = 200_000

_E = ElementMaker(namespace=NS, nsmap={"ofd": NS})
_MM = 25.4 / 72  # the PDF fixture's layout is in points; OFD measures in millimetres
_PAGE_WIDTH, _PAGE_HEIGHT = A4
_TITLE_SIZE, _HEADER_SIZE, _FOOTER_SIZE, _TABLE_SIZE = 20, 10, 12, 12
_TABLE_COLUMNS = (3, 9, 9, 7)  # ems of the body size: the 28 of the column
_TABLE_AFTER = "第八条"  # the table stands between 第七条 and 第八条, as in the Word fixture
_FONTS = {"body": "1", "title": "2", "latin": "3"}  # 仿宋, 小标宋, Times New Roman
_DOC = "Doc_0"
_PHYSICAL_BOX = "0 0 210 297"


# --- the regulation ----------------------------------------------------------------------------


Line = tuple[str, str | tuple[str, ...]]  # (style, text), or ("row", the cells of a table row)


def regulation_layout() -> list[list[Line]]:
    """Pages of (style, text) lines: the PDF fixture's layout with the title on two lines and the
    table's rows ("row", cells) after 第七条, pages filled to the same number of lines."""
    styled: list[Line] = []
    for style, text in (line for page in _layout() for line in page):
        if style == "title":
            styled += [("title", line) for line in TITLE_LINES]
            continue
        if style == "indent" and text.startswith(_TABLE_AFTER):
            styled += [("row", row) for row in TABLE]
        styled.append((style, text))
    per_page = (_BODY_TOP - _BODY_BOTTOM) // _LINE_HEIGHT
    return [styled[at : at + per_page] for at in range(0, len(styled), per_page)]


def regulation_ofd() -> bytes:
    return ofd_bytes(_RegulationWriter().parts())


def write_regulation_ofd(folder: Path, name: str = "regulation.ofd") -> Path:
    path = folder / name
    path.write_bytes(regulation_ofd())
    return path


class _RegulationWriter:
    """The regulation's parts, every object numbered as the package's units are (ID, MaxUnitID)."""

    def __init__(self) -> None:
        self._last_id = 0
        self._lines_drawn = 0

    def parts(self) -> dict[str, bytes]:
        pages = regulation_layout()
        template_id, seal_id = self._id(), self._id()
        parts = {
            f"{_DOC}/PublicRes.xml": _xml(self._public_res()),
            f"{_DOC}/DocumentRes.xml": _xml(self._document_res(seal_id)),
            f"{_DOC}/Res/seal.png": _seal_png(),
            f"{_DOC}/Tpls/Tpl_0/Content.xml": _xml(self._template()),
        }
        page_ids = []
        for number, lines in enumerate(pages, start=1):
            page_ids.append(self._id())
            last = number == len(pages)
            page = self._page(lines, number, template_id, seal_id if last else None)
            parts[f"{_DOC}/Pages/Page_{number - 1}/Content.xml"] = _xml(page)
        parts[f"{_DOC}/Annots/Annotations.xml"] = _xml(
            _E.Annotations(
                _E.Page({"PageID": page_ids[-1]}, _E.FileLoc(f"Page_{len(pages) - 1}/Annotation.xml"))
            )
        )
        parts[f"{_DOC}/Annots/Page_{len(pages) - 1}/Annotation.xml"] = _xml(self._stamp(seal_id))
        parts[f"{_DOC}/Document.xml"] = _xml(self._document(page_ids, template_id))
        parts.update(_signature(parts[f"{_DOC}/Document.xml"], page_ids[-1]))
        return {"OFD.xml": _xml(_entry(TITLE, with_signatures=True)), **parts}

    def _id(self) -> str:
        self._last_id += 1
        return str(self._last_id)

    def _document(self, page_ids: list[str], template_id: str) -> etree._Element:
        pages = []
        for k, page_id in enumerate(page_ids):
            # GB/T 33190 locations are relative to the part that gives them, or absolute from the root.
            location = f"/{_DOC}/Pages/Page_{k}/Content.xml" if k == 1 else f"Pages/Page_{k}/Content.xml"
            pages.append(_E.Page({"ID": page_id, "BaseLoc": location}))
        return _E.Document(
            _E.CommonData(
                _E.MaxUnitID(str(self._last_id)),
                _E.PageArea(_E.PhysicalBox(_PHYSICAL_BOX)),
                _E.PublicRes("PublicRes.xml"),
                _E.DocumentRes("DocumentRes.xml"),
                _E.TemplatePage(
                    {"ID": template_id, "BaseLoc": "Tpls/Tpl_0/Content.xml", "ZOrder": "Background"}
                ),
            ),
            _E.Pages(*pages),
            _E.Annotations("Annots/Annotations.xml"),
        )

    def _public_res(self) -> etree._Element:
        fonts = (
            ("仿宋", _FONTS["body"]),
            ("方正小标宋简体", _FONTS["title"]),
            ("Times New Roman", _FONTS["latin"]),
        )
        return _E.Res(
            {"BaseLoc": "Res"},
            _E.Fonts(*(_E.Font({"ID": key, "FontName": name, "FamilyName": name}) for name, key in fonts)),
        )

    def _document_res(self, seal_id: str) -> etree._Element:
        media = _E.MultiMedia({"ID": seal_id, "Type": "Image", "Format": "PNG"}, _E.MediaFile("seal.png"))
        return _E.Res({"BaseLoc": "Res"}, _E.MultiMedias(media))

    def _template(self) -> etree._Element:
        """The template every page draws on: the running header and the rule under it."""
        width = _width(RUNNING_HEADER, _HEADER_SIZE)
        header = self._text(RUNNING_HEADER, (_PAGE_WIDTH - width) / 2, 800, _HEADER_SIZE, "whole")
        rule = _E.PathObject(
            {"ID": self._id(), "Boundary": _box(_LEFT, 792, _PAGE_WIDTH - 2 * _LEFT, 1), "LineWidth": "0.25"},
            _E.AbbreviatedData(f"M 0 0 L {_n((_PAGE_WIDTH - 2 * _LEFT) * _MM)} 0"),
        )
        return _page_element(None, [self._layer("Background", [*header, rule])])

    def _page(self, lines: list[Line], number: int, template_id: str, seal_id: str | None) -> etree._Element:
        footer_text = f"— {number} —"
        footer_x = _PAGE_WIDTH - _LEFT - _width(footer_text, _FOOTER_SIZE) if number % 2 else _LEFT
        footer = self._text(footer_text, footer_x, 50, _FOOTER_SIZE, "whole")
        body: list[etree._Element] = []
        y = _BODY_TOP
        for style, text in lines:
            body += self._body_line(style, text, y)
            y -= _LINE_HEIGHT
        if seal_id is not None:  # over the last lines, as a seal is stamped
            body.append(
                _E.ImageObject(
                    {"ID": self._id(), "Boundary": _box(360, y + 60, 120, 120), "ResourceID": seal_id},
                )
            )
        return _page_element(template_id, [self._layer("Foreground", footer), self._layer("Body", body)])

    def _layer(self, kind: str, objects: list[etree._Element]) -> etree._Element:
        return _E.Layer({"ID": self._id(), "Type": kind}, *objects)

    def _body_line(self, style: str, text: str | tuple[str, ...], y: float) -> list[etree._Element]:
        if isinstance(text, tuple):
            return self._table_row(text, y)
        if style in ("title", "centre"):
            size = _TITLE_SIZE if style == "title" else _BODY_SIZE
            font = "title" if style == "title" else "body"
            return self._text(text, (_PAGE_WIDTH - _width(text, size)) / 2, y, size, "whole", font)
        x = _LEFT + (2 * _BODY_SIZE if style == "indent" else 0)
        if any(char.isascii() for char in text):
            way = "fonts"
        else:
            way = ("whole", "commas", "glyphs")[self._lines_drawn % 3]
            self._lines_drawn += 1
        return self._text(text, x, y, _BODY_SIZE, way)

    def _table_row(self, cells: tuple[str, ...], y: float) -> list[etree._Element]:
        """A row of the table: each cell's text centred in its cell, and the row's border."""
        objects: list[etree._Element] = []
        x = _LEFT
        for cell, ems in zip(cells, _TABLE_COLUMNS, strict=True):
            cell_width = ems * _BODY_SIZE
            objects += self._text(
                cell, x + (cell_width - _width(cell, _TABLE_SIZE)) / 2, y, _TABLE_SIZE, "whole"
            )
            x += cell_width
        border = _E.PathObject(
            {"ID": self._id(), "Boundary": _box(_LEFT, y + 18, x - _LEFT, _LINE_HEIGHT), "LineWidth": "0.5"},
            _E.AbbreviatedData(f"M 0 0 L {_n((x - _LEFT) * _MM)} 0"),
        )
        return [*objects, border]

    def _text(
        self, text: str, x: float, baseline: float, size: float, way: str, font: str = "body"
    ) -> list[etree._Element]:
        """Text objects drawing `text` from (x, baseline) in points, the way an exporter may:
        "whole" (one code, DeltaX in "g" shorthand), "commas" (one object per comma-ended part, every
        DeltaX written out), "fonts" (one object per run of one font) or "glyphs" (a code per glyph)."""
        if way == "glyphs":
            return [self._glyph_codes(text, x, baseline, size)]
        objects = []
        for run, run_font, offset in _runs(text, way, font):
            advances = [_advance(char, size) for char in run]
            position = {"X": "0", "Y": _n_mm(size)}
            if len(run) > 1:  # a glyph's offset to the next: none after the last
                position["DeltaX"] = (
                    _g_shorthand(advances[:-1]) if way == "whole" else " ".join(map(_n_mm, advances[:-1]))
                )
            code = _E.TextCode(position, run)
            objects.append(
                self._text_object(x + offset * size, baseline, size, sum(advances), run_font, [code])
            )
        return objects

    def _glyph_codes(self, text: str, x: float, baseline: float, size: float) -> etree._Element:
        codes, offset = [], 0.0
        for k, char in enumerate(text):
            if not char.isspace():  # a space draws nothing: it is left as a gap
                position = {"X": _n_mm(offset)} | ({"Y": _n_mm(size)} if k == 0 else {})  # later codes keep Y
                codes.append(_E.TextCode(position, char))
            offset += _advance(char, size)
        return self._text_object(x, baseline, size, offset, "body", codes)

    def _text_object(
        self, x: float, baseline: float, size: float, width: float, font: str, codes: list[etree._Element]
    ) -> etree._Element:
        """A text object whose Boundary's top lies a font size above the baseline."""
        boundary = _box(x, baseline + size, width, 1.25 * size)
        attributes = {"ID": self._id(), "Boundary": boundary, "Font": _FONTS[font], "Size": _n_mm(size)}
        return _E.TextObject(attributes, _E.FillColor({"Value": "0 0 0"}), *codes)

    def _stamp(self, seal_id: str) -> etree._Element:
        """A stamp annotation over the last page's seal: its appearance draws the seal and its words."""
        words = _E.TextObject(
            {"ID": self._id(), "Boundary": "10 10 22 4", "Font": _FONTS["body"], "Size": "3"},
            _E.FillColor({"Value": "255 0 0"}),
            _E.TextCode({"X": "0", "Y": "3", "DeltaX": f"g {len(SEAL_TEXT) - 1} 3"}, SEAL_TEXT),
        )
        image = _E.ImageObject({"ID": self._id(), "Boundary": "0 0 42 42", "ResourceID": seal_id})
        return _E.PageAnnot(
            _E.Annot(
                {"ID": self._id(), "Type": "Stamp", "Creator": "XX电子印章系统", "LastModDate": "2023-05-06"},
                _E.Remark(SEAL_TEXT),
                _E.Appearance({"Boundary": _box(360, 200, 120, 120)}, image, words),
            )
        )


def _runs(text: str, way: str, font: str) -> Iterator[tuple[str, str, float]]:
    """Parts of a line, each with its font and its offset from the line's start in ems."""
    if way == "whole":
        parts = [text]
    elif way == "commas":
        parts = [part + "，" for part in text.split("，")]
        parts[-1] = parts[-1][:-1]
    else:  # "fonts": digits and Latin letters are set in Times New Roman
        parts = []
        for char in text:
            if parts and parts[-1][-1].isascii() == char.isascii():
                parts[-1] += char
            else:
                parts.append(char)
    offset = 0.0
    for part in filter(None, parts):
        yield part, ("latin" if way == "fonts" and part.isascii() else font), offset
        offset += sum(_advance(char, 1) for char in part)


def _advance(char: str, size: float) -> float:
    """A glyph's advance: an em for hanzi and Chinese punctuation, half for digits and Latin letters."""
    return size if unicodedata.east_asian_width(char) in "WFA" else size / 2


def _width(text: str, size: float) -> float:
    return sum(_advance(char, size) for char in text)


def _g_shorthand(values: list[float]) -> str:
    """A DeltaX list with runs of one value written "g n value", as exporters write them."""
    tokens: list[str] = []
    at = 0
    while at < len(values):
        run = 1
        while at + run < len(values) and values[at + run] == values[at]:
            run += 1
        tokens += ["g", str(run), _n_mm(values[at])] if run > 1 else [_n_mm(values[at])]
        at += run
    return " ".join(tokens)


def _box(x: float, y: float, width: float, height: float) -> str:
    """An OFD box "x y w h" in mm, its top left corner from the points of a PDF's bottom-up layout."""
    return " ".join(map(_n, (x * _MM, (_PAGE_HEIGHT - y) * _MM, width * _MM, height * _MM)))


def _n_mm(points: float) -> str:
    return _n(points * _MM)


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _page_element(template_id: str | None, layers: list[etree._Element]) -> etree._Element:
    template = [_E.Template({"TemplateID": template_id, "ZOrder": "Background"})] if template_id else []
    return _E.Page(*template, _E.Area(_E.PhysicalBox(_PHYSICAL_BOX)), _E.Content(*layers))


def _entry(title: str, *, with_signatures: bool = False) -> etree._Element:
    info = _E.DocInfo(
        _E.DocID("5a6b1c0e9d8f4e3ab2c1d0e9f8a7b6c5"),
        _E.Title(title),
        _E.Author("中共XX市直属机关工作委员会"),
        _E.CreationDate("2023-05-06"),
        _E.Creator("WPS Office"),
        _E.CreatorVersion("12.1.0"),
    )
    signatures = [_E.Signatures(f"{_DOC}/Signs/Signatures.xml")] if with_signatures else []
    body = _E.DocBody(info, _E.DocRoot(f"{_DOC}/Document.xml"), *signatures)
    return _E.OFD({"Version": "1.1", "DocType": "OFD"}, body)


def _signature(document: bytes, page_id: str) -> dict[str, bytes]:
    """An electronic seal's signature: the seal (an image in the seal file) and the signed value."""
    seal = b"ESL\x00" + _seal_png()  # stands for the seal file's ASN.1: it holds the seal's picture
    signed_value = hashlib.sha256(document + seal).digest()
    check_value = hashlib.sha256(document).hexdigest()
    signed_info = _E.SignedInfo(
        _E.Provider({"ProviderName": "XX电子印章系统", "Version": "2.0", "Company": "XX科技"}),
        _E.SignatureMethod("1.2.156.10197.1.501"),
        _E.SignatureDateTime("20230506093000Z"),
        _E.References(
            {"CheckMethod": "1.2.156.10197.1.401"},
            _E.Reference({"FileRef": f"/{_DOC}/Document.xml"}, _E.CheckValue(check_value)),
        ),
        _E.StampAnnot({"ID": "1", "PageRef": page_id, "Boundary": _box(360, 200, 120, 120)}),
        _E.Seal(_E.BaseLoc("Seal.esl")),
    )
    signatures = _E.Signatures(
        _E.MaxSignId("1"), _E.Signature({"ID": "1", "Type": "Seal", "BaseLoc": "Sign_0/Signature.xml"})
    )
    return {
        f"{_DOC}/Signs/Signatures.xml": _xml(signatures),
        f"{_DOC}/Signs/Sign_0/Signature.xml": _xml(
            _E.Signature(signed_info, _E.SignedValue("SignedValue.dat"))
        ),
        f"{_DOC}/Signs/Sign_0/Seal.esl": seal,
        f"{_DOC}/Signs/Sign_0/SignedValue.dat": signed_value,
    }


def _seal_png() -> bytes:
    image = Image.new("RGB", (64, 64), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((2, 2, 61, 61), outline=(220, 0, 0), width=4)
    draw.regular_polygon((32, 32, 12), 5, fill=(220, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def ofd_bytes(parts: Mapping[str, bytes | str]) -> bytes:
    """A zip of the parts (text as UTF-8), every entry dated 1980-01-01, so that reruns give identical
    bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            content = data.encode() if isinstance(data, str) else data
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def one_page_parts(content: str, title: str = "") -> dict[str, bytes]:
    """The parts of a one-page OFD whose page is `content` (a Content.xml)."""
    document = _E.Document(
        _E.CommonData(_E.MaxUnitID("1"), _E.PageArea(_E.PhysicalBox(_PHYSICAL_BOX))),
        _E.Pages(_E.Page({"ID": "1", "BaseLoc": "Pages/Page_0/Content.xml"})),
    )
    return {
        "OFD.xml": _xml(_entry(title)),
        f"{_DOC}/Document.xml": _xml(document),
        f"{_DOC}/Pages/Page_0/Content.xml": content.encode(),
    }


def scanned_ofd(scans: list[bytes]) -> bytes:
    """An OFD whose pages are scans: each page one image (JPEG bytes) covering it, no text, as a
    scanning workstation of an e-government system exports a paper document."""
    pages = [
        _E.Page({"ID": str(10 + n), "BaseLoc": f"Pages/Page_{n}/Content.xml"}) for n in range(len(scans))
    ]
    document = _E.Document(
        _E.CommonData(
            _E.MaxUnitID(str(100 + len(scans))),
            _E.PageArea(_E.PhysicalBox(_PHYSICAL_BOX)),
            _E.DocumentRes("DocumentRes.xml"),
        ),
        _E.Pages(*pages),
    )
    media = [
        _E.MultiMedia(_E.MediaFile(f"scan_{n}.jpg"), {"ID": str(50 + n), "Type": "Image", "Format": "JPEG"})
        for n in range(len(scans))
    ]
    parts: dict[str, bytes] = {
        "OFD.xml": _xml(_entry("")),
        f"{_DOC}/Document.xml": _xml(document),
        f"{_DOC}/DocumentRes.xml": _xml(_E.Res({"BaseLoc": "Res"}, _E.MultiMedias(*media))),
    }
    for n, scan in enumerate(scans):
        image = _E.ImageObject({"ID": str(80 + n), "ResourceID": str(50 + n), "Boundary": _PHYSICAL_BOX})
        page = _page_element(None, [_E.Layer({"ID": "2"}, image)])
        parts[f"{_DOC}/Pages/Page_{n}/Content.xml"] = _xml(page)
        parts[f"{_DOC}/Res/scan_{n}.jpg"] = scan
    return ofd_bytes(parts)


# --- hostile files -----------------------------------------------------------------------------

_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_LINE = (
    '<ofd:TextObject ID="9" Boundary="35 30 140 7" Font="1" Size="4.94">'
    '<ofd:TextCode X="0" Y="4.94" DeltaX="g 19 4.94">党员应当认真学习党的路线方针政策和决议。</ofd:TextCode>'
    "</ofd:TextObject>"
)
_PAGE_HEAD = f'{_DECLARATION}<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2">'
_PAGE_TAIL = "</ofd:Layer></ofd:Content></ofd:Page>"


def write_ofd_zip_bomb(folder: Path, name: str = "压缩炸弹.ofd", unpacked: int = BOMB_UNPACKED) -> Path:
    """A real OFD (about 5 MB) whose one page's Content.xml inflates to `unpacked` bytes of lines."""
    parts = one_page_parts(_PAGE_HEAD + _PAGE_TAIL)
    (page,) = (part for part in parts if part.endswith("Content.xml"))
    pieces = (_PAGE_HEAD.encode(), _LINE.encode(), _PAGE_TAIL.encode())
    return write_zip_bomb(folder / name, parts, page, pieces, unpacked)


def write_ofd_entity_bomb(folder: Path, name: str = "实体炸弹.ofd") -> Path:
    """An OFD whose page declares "billion laughs" entities: 10⁹ copies of 党 if expanded."""
    entities = '<!ENTITY e0 "党">' + "".join(f'<!ENTITY e{k} "{f"&e{k - 1};" * 10}">' for k in range(1, 10))
    page = _PAGE_HEAD + _LINE.replace("党员应当", "&e9;") + _PAGE_TAIL
    content = page.replace(_DECLARATION, f"{_DECLARATION}<!DOCTYPE ofd:Page [{entities}]>")
    path = folder / name
    path.write_bytes(ofd_bytes(one_page_parts(content)))
    return path


def write_ofd_of_a_huge_scan(folder: Path, name: str = "超大扫描页.ofd") -> Path:
    """An OFD whose one page is a scan that says it is 60000×60000 pixels (a 1 KB JPEG)."""
    path = folder / name
    path.write_bytes(scanned_ofd([jpeg_of_huge_size()]))
    return path


def write_ofd_of_many_pages(folder: Path, name: str = "页数过多.ofd", pages: int = MANY_PAGES) -> Path:
    """An OFD (about half a MB) whose Document.xml declares `pages` pages, all drawn by one Content.xml."""
    parts = one_page_parts(_PAGE_HEAD + _LINE + _PAGE_TAIL)
    listed = "".join(f'<ofd:Page ID="{k}" BaseLoc="Pages/Page_0/Content.xml"/>' for k in range(2, pages + 2))
    parts[f"{_DOC}/Document.xml"] = (
        f'{_DECLARATION}<ofd:Document xmlns:ofd="{NS}">'
        f"<ofd:CommonData><ofd:MaxUnitID>{pages + 1}</ofd:MaxUnitID>"
        f"<ofd:PageArea><ofd:PhysicalBox>{_PHYSICAL_BOX}</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
        f"<ofd:Pages>{listed}</ofd:Pages></ofd:Document>"
    ).encode()
    path = folder / name
    path.write_bytes(ofd_bytes(parts))
    return path


def write_all(folder: Path) -> list[Path]:
    """Every OFD file of the tests, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_regulation_ofd(folder),
        write_ofd_zip_bomb(folder),
        write_ofd_entity_bomb(folder),
        write_ofd_of_many_pages(folder),
        write_ofd_of_a_huge_scan(folder),
    ]


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "ofd")):
        print(f"{written}  {written.stat().st_size} bytes")
