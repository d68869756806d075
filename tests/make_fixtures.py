"""Generate the document fixtures in tests/fixtures/, deterministically: `python -m tests.make_fixtures`.

Most fixtures carry the same fictional regulation, 《XX市机关党支部工作规则》, in
the shape real files arrive in: a PDF laid out like a WPS export (running header,
「— N —」 footers, lines wrapped at the column edge, sentences running across page
breaks), an encrypted, an image-only and a truncated PDF, a Word file with a table
and header/footer text, web pages wrapped in navigation, and GBK and UTF-16 text
files. A Markdown work plan, a Word training plan and a web page with <h2>/<h3>
carry headings that only their format marks as headings; the red-header notice of
tests/make_notice.py carries the 公文 layout of GB/T 9704. The fixtures are
committed; this script (and reportlab, with its built-in Adobe CID font
STSong-Light, and LibreOffice for the .doc, .wps, .odt and .rtf copies of the Word
file) is only needed to change them.
"""

from __future__ import annotations

import io
import struct
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.parfmt import CT_PPr
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FIXTURES = Path(__file__).resolve().parent / "fixtures"

TITLE = "XX市机关党支部工作规则"
ISSUED = "（2023年5月6日中共XX市直属机关工作委员会第5次委员会议通过，2023年6月1日起施行）"
RUNNING_HEADER = "XX市直属机关党建工作制度汇编（2023年版）"
PDF_PASSWORD = "djkb2023"
DOCX_HEADER = "中共XX市直属机关工作委员会　内部资料"
DOCX_FOOTER = "— 1 —"
TABLE = (
    ("序号", "工作事项", "时间要求", "责任人"),
    ("1", "召开党员大会", "每季度一次", "党支部书记"),
    ("2", "召开支部委员会", "每月一次", "党支部书记"),
    ("3", "讲授党课", "每季度至少一次", "党支部委员"),
)
TABLE_AFTER_ARTICLE = "第七条"

CHAPTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "第一章　总　　则",
        (
            "第一条　为了加强和改进市直机关党支部建设，提高党支部组织力，推动全面从严治党向基层延伸，"
            "根据《中国共产党章程》和有关党内法规，结合本市机关实际，制定本规则。",
            "第二条　本规则适用于市直机关各部门、各单位设立的党支部。市直机关工委负责本规则的组织实施"
            "和监督检查，各部门机关党委负责具体指导。",
            "第三条　党支部工作应当坚持以下原则：",
            "（一）坚持政治引领，把党的政治建设摆在首位，教育引导党员干部自觉在思想上政治上行动上"
            "同党中央保持高度一致；",
            "（二）坚持围绕中心、服务大局，把党支部工作同机关业务工作一起谋划、一起部署、一起检查；",
            "（三）坚持问题导向，聚焦党员队伍建设和机关作风建设中的突出问题，以钉钉子精神抓好整改落实。",
        ),
    ),
    (
        "第二章　组织设置",
        (
            "第四条　机关内设机构有正式党员三人以上的，应当单独成立党支部；正式党员不足三人的，"
            "可以与相邻内设机构联合成立党支部，联合党支部所含内设机构一般不超过五个。",
            "第五条　党支部委员会由党员大会选举产生，每届任期三年。党支部书记、副书记一般由内设机构"
            "负责人中的党员担任，确有需要的可以由其他党员担任。",
            "第六条　党支部委员会出现空缺的，应当在三个月内按照规定程序补选；因机构调整需要撤销或者"
            "合并党支部的，由上级党组织在调整完成后一个月内作出决定并通报。",
        ),
    ),
    (
        "第三章　组织生活",
        (
            "第七条　党支部应当严格落实“三会一课”制度。党员大会一般每季度召开一次，支部委员会一般"
            "每月召开一次，党小组会一般每月召开一次，党课每季度至少讲一次。",
            "第八条　党支部每月相对固定一天开展主题党日活动，主题党日的内容应当结合学习教育安排、"
            "重点工作任务和党员思想实际确定，避免形式单一、内容空泛，注重实际效果和党员参与程度。",
            "第九条　党支部每年至少召开一次组织生活会，一般安排在第四季度，会前应当广泛征求意见、"
            "开展谈心谈话，会上逐一开展批评和自我批评，会后制定整改措施并在一个月内向党员通报整改情况。",
            "第十条　党支部每年开展一次民主评议党员，评议结果分为优秀、合格、基本合格和不合格四个等次，"
            "评议结果应当作为党员教育管理和评先评优的重要依据。",
        ),
    ),
    (
        "第四章　监督保障",
        (
            "第十一条　市直机关工委每年对党支部工作情况进行一次考核，考核结果纳入部门党建工作责任制考核；"
            "对工作成效突出的党支部予以通报表扬，对考核排名靠后的党支部进行约谈提醒。",
            "第十二条　各部门应当保障党支部工作经费和活动场所，党支部工作经费从党费留存部分和部门公用经费"
            "中列支，专款专用，接受审计监督。",
        ),
    ),
    (
        "第五章　附　　则",
        (
            "第十三条　本规则由中共XX市直属机关工作委员会负责解释。",
            "第十四条　本规则自2023年6月1日起施行。",
        ),
    ),
)


def regulation_lines() -> list[str]:
    """The regulation as plain text: title, issuing line, then headings and paragraphs."""
    lines = [TITLE, ISSUED]
    for heading, paragraphs in CHAPTERS:
        lines += [heading, *paragraphs]
    return lines


# --- PDF ---------------------------------------------------------------------------

_FONT = "STSong-Light"
_BODY_SIZE = 14
_CHARS_PER_LINE = 28  # the 公文 column: 28 characters of the body size
_LEFT = 100
_LINE_HEIGHT = 26
_BODY_TOP = 750
_BODY_BOTTOM = 90
_NO_LINE_START = "，。、；：？！）》」”"  # closing punctuation never starts a line


def wrap(paragraph: str, width: int) -> list[str]:
    """Lines of at most `width` full-width characters, the first indented by two.

    Digits and Latin letters take half a character, as in the fonts WPS uses; closing
    punctuation never starts a line but stays on the line before, a little past the edge.
    """
    lines: list[str] = []
    line, room = "", 2 * (width - 2)
    for char in paragraph:
        size = 1 if char.isascii() else 2
        if size > room and char not in _NO_LINE_START:
            lines.append(line)
            line, room = "", 2 * width
        line += char
        room -= size
    return [*lines, line]


def _layout() -> list[list[tuple[str, str]]]:
    """Pages of (style, text) lines: "title", "centre" or a body line ("indent" opens a paragraph)."""
    styled: list[tuple[str, str]] = [("title", TITLE)]
    styled += [("indent" if k == 0 else "body", line) for k, line in enumerate(wrap(ISSUED, _CHARS_PER_LINE))]
    for heading, paragraphs in CHAPTERS:
        styled.append(("centre", heading))
        for paragraph in paragraphs:
            lines = wrap(paragraph, _CHARS_PER_LINE)
            styled += [("indent" if k == 0 else "body", line) for k, line in enumerate(lines)]
    per_page = (_BODY_TOP - _BODY_BOTTOM) // _LINE_HEIGHT
    return [styled[at : at + per_page] for at in range(0, len(styled), per_page)]


def _pdf_bytes(*, password: str | None = None, scanned: bool = False) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    width, _ = A4
    encrypt = StandardEncryption(password, ownerPassword="owner", strength=128) if password else None
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=1, encrypt=encrypt)
    pages = _layout()
    for number, lines in enumerate(pages, start=1):
        if scanned:
            _draw_scan(pdf, len(lines))
        else:
            _draw_page(pdf, lines, number, width)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_page(pdf: Canvas, lines: list[tuple[str, str]], number: int, width: float) -> None:
    pdf.setFont(_FONT, 10)
    pdf.drawCentredString(width / 2, 800, RUNNING_HEADER)
    pdf.line(_LEFT, 792, width - _LEFT, 792)
    y = _BODY_TOP
    for style, text in lines:
        if style == "title":
            pdf.setFont(_FONT, 20)
            pdf.drawCentredString(width / 2, y, text)
        elif style == "centre":
            pdf.setFont(_FONT, _BODY_SIZE)
            pdf.drawCentredString(width / 2, y, text)
        else:
            pdf.setFont(_FONT, _BODY_SIZE)
            pdf.drawString(_LEFT + (2 * _BODY_SIZE if style == "indent" else 0), y, text)
        y -= _LINE_HEIGHT
    pdf.setFont(_FONT, 12)
    footer = f"— {number} —"
    # 公文 style: odd page numbers on the right, even ones on the left
    if number % 2:
        pdf.drawRightString(width - _LEFT, 50, footer)
    else:
        pdf.drawString(_LEFT, 50, footer)


def _draw_scan(pdf: Canvas, line_count: int) -> None:
    """A page as a scanner makes it: one image of grey bars where the lines would be, no text."""
    image = Image.new("L", (595, 842), 255)
    draw = ImageDraw.Draw(image)
    for k in range(line_count):
        top = 842 - _BODY_TOP + k * _LINE_HEIGHT
        draw.rectangle((_LEFT, top, 595 - _LEFT, top + _BODY_SIZE), fill=60)
    pdf.drawImage(ImageReader(image), 0, 0, width=595, height=842)


# --- Word ----------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = DOCX_HEADER
    section.footer.paragraphs[0].text = DOCX_FOOTER
    # WPS names its heading styles in Chinese
    document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Heading 2"]
    title = document.add_paragraph(style="Title")
    title.add_run("XX市机关党支部")
    title.add_run().add_break()  # a title broken over two lines for looks
    title.add_run("工作规则")
    document.add_paragraph(ISSUED)
    for number, (heading, paragraphs) in enumerate(CHAPTERS):
        document.add_paragraph(heading, style="Heading 1" if number % 2 == 0 else "标题 2")
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
            if paragraph.startswith(TABLE_AFTER_ARTICLE):
                table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
                for row, values in zip(table.rows, TABLE, strict=True):
                    for cell, value in zip(row.cells, values, strict=True):
                        cell.text = value
    return _saved(document)


TRAINING_PLAN_TITLE = "2023年XX机关党委党员教育培训工作方案"
CUSTOM_HEADING_STYLE = "方案二级标题"  # a heading only by the outline level its style sets
OUTLINED = "大纲级别 1"  # stands for a Normal paragraph given outline level 1 directly
# (style, text) of each paragraph: headings by built-in style, by custom style and by outline level.
TRAINING_PLAN = (
    ("Title", TRAINING_PLAN_TITLE),
    ("Normal", "为推动党员教育培训工作制度化、常态化，不断提高机关党员的政治素质和履职能力，"
               "结合机关实际，制定本方案。"),
    ("Heading 1", "培训目标"),
    ("Normal", "全年实现机关党员集中培训全覆盖，每名党员参加集中学习不少于32个学时，"
               "党支部书记参加轮训不少于56个学时。"),
    ("Heading 1", "培训内容"),
    ("Heading 2", "理论学习"),
    ("Normal", "1.以党的二十大报告和党章为重点开展专题学习研讨，各党支部每季度至少组织一次集中交流。"),
    ("Normal", "2.用好网上学习平台，引导党员利用工作之余开展自学，年底前每人完成一本学习笔记。"),
    (CUSTOM_HEADING_STYLE, "业务能力"),
    ("Normal", "1.结合岗位职责举办业务讲座，由各处室业务骨干讲授政策法规和办事流程。"),
    ("Normal", "2.开展岗位练兵活动，组织新入职党员到服务窗口跟岗学习一个月。"),
    ("Heading 1", "组织保障"),
    ("Normal", "机关党委负责统筹制定培训计划，各党支部明确一名支部委员具体负责，"
               "培训经费按规定从党费中列支。"),
    (OUTLINED, "其他事项"),
    ("Normal", "本方案由机关党委办公室负责解释，执行中遇到的问题请及时向机关党委反映。"),
)  # fmt: skip


def _training_plan_docx() -> bytes:
    document = docx.Document()
    custom = document.styles.add_style(CUSTOM_HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Normal"]
    _set_outline_level(custom.element.get_or_add_pPr(), 1)  # w:outlineLvl 1 is the second level
    for style, text in TRAINING_PLAN:
        if style == OUTLINED:
            _set_outline_level(document.add_paragraph(text)._p.get_or_add_pPr(), 0)
        else:
            document.add_paragraph(text, style=style)
    return _saved(document)


def _set_outline_level(properties: CT_PPr, level: int) -> None:
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    properties.append(element)


def _saved(document: WordDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _converted(docx_data: bytes, suffix: str) -> bytes:
    """The Word file saved by LibreOffice as a .doc (Word 97–2003), .odt or .rtf, as a member would
    save it from an office suite."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "regulation.docx")
        source.write_bytes(docx_data)
        profile = f"-env:UserInstallation={Path(folder, 'profile').as_uri()}"
        subprocess.run(
            ["soffice", profile, "--headless", "--convert-to", suffix, "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
        )
        return Path(folder, f"regulation.{suffix}").read_bytes()


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01, so that reruns give identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


# --- web pages -----------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}_XX市直属机关工作委员会</title>
<style>.nav li {{ display: inline; }}</style>
<script>var notice = "第九十九条 本脚本文字不属于正文。"; window.onload = function () {{}};</script>
</head>
<body>
<div class="header"><img src="logo.png" alt="XX市直属机关工作委员会">
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/gzdt/">工作动态</a></li>
<li><a href="/zcfg/">政策法规</a></li><li><a href="/djyd/">党建园地</a></li>
<li><a href="/lxwm/">联系我们</a></li></ul>
</div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zcfg/">政策法规</a> &gt; 正文</div>
<div class="main">
<div class="article">
{heading}
<div class="info">发布时间：2023-05-08　来源：市直机关工委组织部　【字体：大 中 小】</div>
<div class="content">
{body}
</div>
<div class="tools">【打印本页】【关闭窗口】</div>
<div class="bdsharebuttonbox share">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a>
<a class="bds_qzone">QQ空间</a></div>
</div>
<div class="sidebar"><h3>热点推荐</h3><ul><li><a href="/a/1.html">市直机关召开党建工作推进会</a></li>
<li><a href="/a/2.html">第三季度主题党日活动安排</a></li></ul></div>
</div>
<div class="footer"><p>版权所有：XX市直属机关工作委员会　地址：XX市人民路1号　邮编：100000</p>
<p>网站标识码：1234000001　京ICP备12345678号</p></div>
</body>
</html>
"""


def _html(*, with_heading: bool) -> str:
    paragraphs = []
    for heading, lines in CHAPTERS:
        paragraphs.append(f'<p style="text-align:center"><strong>{heading}</strong></p>')
        items = [line for line in lines if line.startswith("（")]
        for line in lines:
            if line.startswith("（"):
                continue
            if line.endswith("："):  # a lead-in and its items in one <p>, one per line, as editors do
                paragraphs.append("<p>" + "<br>".join([line, *items]) + "</p>")
            else:
                paragraphs.append(f"<p>{line}</p>")
    heading = f"<h1>{TITLE}</h1>" if with_heading else ""
    body = [f'<p style="text-align:center">{ISSUED}</p>', *paragraphs]
    return _PAGE.format(title=TITLE, heading=heading, body="\n".join(body))


PROGRAMME_TITLE = "XX市直机关开展党员先锋岗创建活动实施方案"
# (tag, text) of each block of the article: its sections are <h2> and <h3> headings without numbers.
PROGRAMME = (
    ("p", "为引导机关党员立足岗位创先争优，市直机关工委决定在市直机关开展党员先锋岗创建活动，"
          "现制定如下实施方案。"),
    ("h2", "创建目标"),
    ("p", "通过一年的创建活动，在市直机关每个党支部至少培育一个党员先锋岗，"
          "形成一批可学习、可推广的经验做法。"),
    ("h2", "创建内容"),
    ("h3", "亮明党员身份"),
    ("p", "党员在工作岗位佩戴党员徽章、摆放党员身份牌，公开服务承诺，主动接受群众监督。"),
    ("h3", "争创一流业绩"),
    ("p", "党员围绕本单位年度重点任务领办攻坚项目，每季度向党支部报告一次项目进展情况。"),
    ("h2", "方法步骤"),
    ("p", "（一）动员部署。3月底前，各党支部召开党员大会，确定先锋岗名单并报机关党委备案。"),
    ("p", "（二）组织实施。4月至10月，先锋岗党员对照承诺开展工作，党支部每季度进行一次讲评。"),
    ("p", "（三）总结评选。11月，市直机关工委评选一批示范党员先锋岗并予以通报表扬。"),
    ("h2", "工作要求"),
    ("p", "各部门机关党委要把创建活动同业务工作结合起来，坚决防止形式主义，确保活动取得实际成效。"),
)  # fmt: skip


def _programme_html() -> str:
    body = "\n".join(f"<{tag}>{text}</{tag}>" for tag, text in PROGRAMME)
    return _PAGE.format(title=PROGRAMME_TITLE, heading=f"<h1>{PROGRAMME_TITLE}</h1>", body=body)


# --- text files ----------------------------------------------------------------------

WORK_PLAN_MD = """# 2023年XX机关党委工作要点

2023年机关党建工作的总体要求是：坚持以党的政治建设为统领，全面提高机关党建质量。

## 一、加强政治建设

1. 深入学习贯彻党的二十大精神，把学习成果转化为推动工作的实际成效。
2. 严格落实第一议题制度，及时跟进学习党中央重大决策部署。

## 二、夯实基层基础

1. **规范组织生活**。严格执行“三会一课”、主题党日、组织生活会等制度。
2. 推进党支部标准化规范化建设，年内完成全部党支部达标验收。

## 工作要求

各党支部要对照本要点制定年度工作计划，于3月底前报机关党委备案。
"""


# --- hostile files ---------------------------------------------------------------------
# Bombs are generated where a test needs them, never committed: small on disk, huge once
# unpacked. A compressed unit is repeated instead of compressing gigabytes: a deflate piece
# ended by a full flush refers to nothing before it, so pieces concatenate into one valid
# stream, and generating costs a checksum pass over the unpacked size and little memory.

BOMB_UNPACKED = 1300 * 2**20  # what the 4.8 MB DOCX of the report inflated to
HUGE_IMAGE_SIDE = 30_000


def _deflate_piece(data: bytes, *, last: bool = False) -> bytes:
    """Raw deflate of `data` that starts and ends on a byte and refers to nothing outside itself."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def _repeated_deflate(
    head: bytes, unit: bytes, count: int, tail: bytes, checksum: Callable[[bytes, int], int], start: int
) -> tuple[bytes, int, int]:
    """Raw deflate of head + unit * count + tail, its checksum and its unpacked size."""
    piece = _deflate_piece(unit)
    value = checksum(head, start)
    for _ in range(count):
        value = checksum(unit, value)
    value = checksum(tail, value)
    deflated = _deflate_piece(head) + piece * count + _deflate_piece(tail, last=True)
    return deflated, value, len(head) + len(unit) * count + len(tail)


def _zlib_stream(head: bytes, unit: bytes, count: int, tail: bytes) -> bytes:
    """A zlib stream (header, deflate, Adler-32) of head + unit * count + tail, as PDF and PNG use."""
    deflated, adler, _ = _repeated_deflate(head, unit, count, tail, zlib.adler32, 1)
    return b"\x78\xda" + deflated + struct.pack(">L", adler)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of (name, raw deflate data, CRC-32, unpacked size) members, dated 1980-01-01."""
    dos_date, dos_time = (1 << 5) | 1, 0
    local, central = bytearray(), bytearray()
    for name, deflated, crc, size in members:
        encoded = name.encode()
        common = (zipfile.ZIP_DEFLATED, dos_time, dos_date, crc, len(deflated), size, len(encoded))
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *common, 0, 0, 0, 0, 0, len(local))
        central += encoded
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *common, 0) + encoded + deflated
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(local), 0)
    return bytes(local + central + end)


def _docx_parts() -> dict[str, bytes]:
    """The parts of an empty Word document, as python-docx writes it."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


_WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def write_docx_zip_bomb(folder: Path, name: str = "压缩炸弹.docx", unpacked: int = BOMB_UNPACKED) -> Path:
    """A real .docx (about 1.4 MB) whose word/document.xml inflates to `unpacked` bytes of paragraphs."""
    paragraph = "<w:p><w:r><w:t>党员应当认真学习党的路线方针政策和决议。</w:t></w:r></w:p>".encode()
    head = f'{_XML_DECLARATION}<w:document xmlns:w="{_WORD_NS}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    pieces = (head, paragraph, tail)
    return write_zip_bomb(folder / name, _docx_parts(), "word/document.xml", pieces, unpacked)


def write_zip_bomb(
    path: Path, parts: dict[str, bytes], bomb: str, pieces: tuple[bytes, bytes, bytes], unpacked: int
) -> Path:
    """A zip of `parts` in which the part `bomb` is its head, its repeated unit up to `unpacked` bytes, and
    its tail (`pieces`), deflated a megabyte at a time so that writing it costs little."""
    head, repeated, tail = pieces
    unit = repeated * (2**20 // len(repeated))
    members = []
    for part, data in parts.items():
        if part == bomb:
            members.append((part, *_repeated_deflate(head, unit, unpacked // len(unit), tail, zlib.crc32, 0)))
        else:
            members.append((part, _deflate_piece(data, last=True), zlib.crc32(data), len(data)))
    path.write_bytes(_zip(members))
    return path


def write_entity_bomb_docx(folder: Path, name: str = "实体炸弹.docx") -> Path:
    """A .docx whose word/document.xml declares "billion laughs" entities: 10⁹ copies of 党 if expanded."""
    entities = '<!ENTITY e0 "党">' + "".join(f'<!ENTITY e{k} "{f"&e{k - 1};" * 10}">' for k in range(1, 10))
    document = (
        f"{_XML_DECLARATION}<!DOCTYPE w:document [{entities}]>"
        f'<w:document xmlns:w="{_WORD_NS}">'
        "<w:body><w:p><w:r><w:t>&e9;</w:t></w:r></w:p></w:body></w:document>"
    )
    parts = {**_docx_parts(), "word/document.xml": document.encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(zipfile.ZipInfo(part, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


def _pdf_with_contents(contents: bytes, filters: str = "/FlateDecode") -> bytes:
    """A one-page PDF (Helvetica) whose page content stream is `contents`, already encoded by `filters`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(contents)} /Filter {filters} >>\nstream\n".encode() + contents + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(pdf)


def write_pdf_flate_bomb(folder: Path, name: str = "压缩炸弹.pdf", unpacked: int = BOMB_UNPACKED) -> Path:
    """A valid one-page PDF (about 1.3 MB) whose content stream inflates to `unpacked` bytes of text."""
    line = b"BT /F1 12 Tf 72 720 Td (Dangjian) Tj ET\n"
    unit = line * (2**20 // len(line))
    path = folder / name
    path.write_bytes(_pdf_with_contents(_zlib_stream(b"", unit, unpacked // len(unit), b"")))
    return path


def write_slow_pdf(folder: Path, name: str = "运算繁多.pdf", operators: int = 300_000) -> Path:
    """A valid PDF of a few KB whose one page draws its text in `operators` tiny pieces: slow to read."""
    unit = b"(d) Tj\n" * 10_000
    head, tail = b"BT /F1 1 Tf 72 720 Td\n", b"ET\n"
    path = folder / name
    path.write_bytes(_pdf_with_contents(_zlib_stream(head, unit, operators // 10_000, tail)))
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))


def write_huge_png(folder: Path, name: str = "超大图片.png", side: int = HUGE_IMAGE_SIDE) -> Path:
    """A white greyscale PNG of side × side pixels (900 million for 30000), about 1 MB on disk."""
    row = b"\x00" + b"\xff" * side  # filter type 0, then one byte per pixel
    header = struct.pack(">2L5B", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale, not interlaced
    pixels = _zlib_stream(b"", row, side, b"")
    path = folder / name
    chunks = _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunks)
    return path


def write_jpeg_of_huge_size(folder: Path, name: str = "超大照片.jpg", side: int = 60_000) -> Path:
    """A 1 KB JPEG whose frame header says side × side pixels (3.6 billion for 60000): a
    decompression bomb for a reader that allocates what the header says."""
    path = folder / name
    path.write_bytes(jpeg_of_huge_size(side))
    return path


def jpeg_of_huge_size(side: int = 60_000) -> bytes:
    """The bytes of `write_jpeg_of_huge_size`'s file."""
    image = io.BytesIO()
    Image.new("L", (8, 8), 255).save(image, "JPEG")
    data = image.getvalue()
    frame = data.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    return data[: frame + 5] + struct.pack(">2H", side, side) + data[frame + 9 :]


def write_tiff_of_many_pages(folder: Path, name: str = "多页扫描.tif", pages: int = 600) -> Path:
    """A TIFF of `pages` small white frames: more pages than a scan of one document has."""
    frames = [Image.new("1", (64, 64), 1) for _ in range(pages)]
    path = folder / name
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4")
    return path


def write_docx_of_a_later_zip_version(folder: Path, name: str = "新版压缩格式.docx") -> Path:
    """A .docx whose zip directory says its first part needs zip version 9.5 to unpack (6.3 is the latest)."""
    data = bytearray(_docx_bytes())
    end = data.rindex(b"PK\x05\x06")
    (directory,) = struct.unpack_from("<L", data, end + 16)
    struct.pack_into("<H", data, directory + 6, 95)  # "version needed to extract" of the first entry
    path = folder / name
    path.write_bytes(bytes(data))
    return path


def write_all() -> list[Path]:
    """Write every fixture and return their paths."""
    from tests.make_notice import notice_docx, notice_pdf  # it lays its notice out with this module's helpers

    FIXTURES.mkdir(exist_ok=True)
    regulation = "\n".join(regulation_lines()) + "\n"
    pdf = _pdf_bytes()
    word = _docx_bytes()
    word_97 = _converted(word, "doc")
    files = {
        "regulation.pdf": pdf,
        "regulation-encrypted.pdf": _pdf_bytes(password=PDF_PASSWORD),
        "scanned.pdf": _pdf_bytes(scanned=True),
        "truncated.pdf": pdf[: len(pdf) * 6 // 10],
        "regulation.docx": word,
        "regulation.doc": word_97,
        # WPS Writer's own .wps is the Word 97–2003 binary format under another name.
        "regulation.wps": word_97,
        "regulation.odt": _converted(word, "odt"),
        "regulation.rtf": _converted(word, "rtf"),
        "training-plan.docx": _training_plan_docx(),
        "programme.html": _programme_html().encode("utf-8"),
        "article.html": _html(with_heading=True).encode("utf-8"),
        "untitled-article.htm": _html(with_heading=False).encode("utf-8"),
        "regulation-gbk.txt": regulation.replace("\n", "\r\n").encode("gbk"),
        "regulation-utf16.txt": regulation.encode("utf-16"),
        "workplan.md": WORK_PLAN_MD.encode("utf-8"),
        "notice.docx": notice_docx(),
        "notice.pdf": notice_pdf(),
    }
    for name, data in files.items():
        (FIXTURES / name).write_bytes(data)
    return [FIXTURES / name for name in files]


if __name__ == "__main__":
    for path in write_all():
        print(f"{path.relative_to(FIXTURES.parent.parent)}  {path.stat().st_size} bytes")
