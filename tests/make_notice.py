"""A red-header notice (红头文件) laid out as GB/T 9704-2012 prescribes, as a Word file and as the PDF
a 公文 system exports: tests/fixtures/notice.docx and notice.pdf, written by `python -m tests.make_fixtures`.

It carries every element of the layout: the issuing organ's banner in red with the red rule under
it, the document number with the signer on its line, a title broken over two lines, the addressee,
a body of numbered sections and items, the attachment note, the signature, the date, a bracketed
note, two attachments on pages of their own, and the 版记 (抄送, the printing office and date)
between rules at the foot of the last page. The seal stamped over the date is a red ring without
text, as in a text-layer PDF, where it is a picture.
"""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from reportlab.lib.colors import red
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from tests.make_fixtures import _FONT, _saved, wrap

BANNER = "中共XX市直属机关工作委员会文件"
NUMBER = "XX直工发〔2023〕12号"
SIGNER = "王建国"
TITLE_LINES = ("关于开展2023年度“主题党日”", "活动的通知")
TITLE = "".join(TITLE_LINES)
ADDRESSEE = "各机关党委、党总支、直属党支部"
BODY = (
    "为深入学习贯彻党的二十大精神，进一步规范党支部组织生活，经研究，决定在市直机关开展2023年度"
    "“主题党日”活动。现将有关事项通知如下。",
    "一、活动时间",
    "每月固定一天开展主题党日活动，原则上安排在每月第一周的星期五。因特殊情况需要调整的，"
    "应当报机关党委备案。",
    "二、活动内容",
    "（一）集中学习。学习党的创新理论和上级重要会议精神，每次不少于1小时。",
    "（二）组织生活。按规定召开支部党员大会、支部委员会会议，讲授党课。",
    "（三）志愿服务。组织党员到所在社区报到，每季度至少开展一次志愿服务活动。",
    "三、工作要求",
    "各党组织要高度重视，精心组织，于每季度末前将活动开展情况报市直机关工委组织部。",
)
ATTACHMENT_NOTE = ("附件：1．2023年度主题党日活动安排表", "2．主题党日活动记录要求")
ISSUER = "中共XX市直属机关工作委员会"
DATE = "2023年3月1日"
NOTE = "（此件公开发布）"
ATTACHMENTS = (
    (
        "附件1",
        "2023年度主题党日活动安排表",
        (
            "1．一季度：集中学习党的二十大报告。",
            "2．二季度：开展“七一”重温入党誓词活动。",
            "3．三季度：组织党员到社区开展志愿服务。",
            "4．四季度：召开组织生活会，开展民主评议党员。",
        ),
    ),
    (
        "附件2",
        "主题党日活动记录要求",
        (
            "（一）记录活动名称、时间、地点和参加人员。",
            "（二）记录活动内容、党员发言和会议决定事项。",
        ),
    ),
)
COPIED_TO = "抄送：市委组织部，市委宣传部。"
PRINTED = "中共XX市直属机关工作委员会办公室　　　2023年3月2日印发"


def notice_docx() -> bytes:
    document = docx.Document()

    def paragraph(
        text: str,
        *,
        centre: bool = False,
        right: bool = False,
        size: int = 16,
        colour: RGBColor | None = None,
    ) -> Paragraph:
        made = document.add_paragraph()
        run = made.add_run(text)
        run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour
        if centre:
            made.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif right:
            made.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return made

    paragraph(BANNER, centre=True, size=36, colour=RGBColor(0xE0, 0, 0))
    paragraph(f"{NUMBER}　　　　签发人：{SIGNER}", centre=True)
    title = paragraph(TITLE_LINES[0], centre=True, size=22)
    title.runs[0].add_break()  # broken over two lines for looks, one paragraph
    title.add_run(TITLE_LINES[1]).font.size = Pt(22)
    paragraph(f"{ADDRESSEE}：")
    for text in (*BODY, *ATTACHMENT_NOTE):
        paragraph(text)
    paragraph(ISSUER, right=True)
    paragraph(DATE, right=True)
    paragraph(NOTE)
    for label, heading, lines in ATTACHMENTS:
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        paragraph(label)
        paragraph(heading, centre=True, size=22)
        for line in lines:
            paragraph(line)
    paragraph(COPIED_TO, size=14)
    paragraph(PRINTED, size=14)
    return _saved(document)


_LEFT, _TOP, _LINE, _SIZE, _COLUMN = 80, 760, 28, 16, 27


def notice_pdf() -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    width, _ = A4
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=1)
    page = [1]
    y = [_TOP]

    def line(
        text: str, *, x: float | None = None, centre: bool = False, right: bool = False, size: int = _SIZE
    ):
        pdf.setFont(_FONT, size)
        if centre:
            pdf.drawCentredString(width / 2, y[0], text)
        elif right:
            pdf.drawRightString(width - _LEFT - 2 * _SIZE, y[0], text)
        else:
            pdf.drawString(_LEFT if x is None else x, y[0], text)
        y[0] -= _LINE

    def body(text: str) -> None:
        for k, wrapped in enumerate(wrap(text, _COLUMN)):
            line(wrapped, x=_LEFT + (2 * _SIZE if k == 0 else 0))

    def footer() -> None:
        pdf.setFont(_FONT, 14)
        if page[0] % 2:  # odd page numbers on the right, even ones on the left
            pdf.drawRightString(width - _LEFT, 40, f"— {page[0]} —")
        else:
            pdf.drawString(_LEFT, 40, f"— {page[0]} —")

    def new_page() -> None:
        footer()
        pdf.showPage()
        page[0] += 1
        y[0] = _TOP

    pdf.setFillColor(red)
    pdf.setStrokeColor(red)
    line(BANNER, centre=True, size=30)
    pdf.setFillColorRGB(0, 0, 0)
    y[0] -= 10
    line(f"{NUMBER}　　　　签发人：{SIGNER}", centre=True)
    pdf.setLineWidth(2)
    pdf.line(_LEFT, y[0] + 12, width - _LEFT, y[0] + 12)  # the red rule under the 版头
    y[0] -= 20
    for title_line in TITLE_LINES:
        line(title_line, centre=True, size=22)
    line(f"{ADDRESSEE}：")
    for text in BODY:
        if y[0] < 120:
            new_page()
        body(text)
    if y[0] < 80 + 7 * _LINE:  # the attachment note, signature, date and note stay together
        new_page()
    line(ATTACHMENT_NOTE[0], x=_LEFT + 2 * _SIZE)
    line(ATTACHMENT_NOTE[1], x=_LEFT + 5 * _SIZE)
    y[0] -= _LINE
    line(ISSUER, right=True)
    pdf.setStrokeColor(red)
    pdf.circle(width - _LEFT - 6 * _SIZE, y[0] + _LINE, 60)  # the seal, a picture of a ring
    line(DATE, right=True)
    body(NOTE)
    for label, heading, lines in ATTACHMENTS:
        new_page()
        line(label)
        line(heading, centre=True, size=22)
        for text in lines:
            body(text)
    y[0] = 120  # the 版记 at the foot of the last page, between rules
    pdf.setStrokeColorRGB(0, 0, 0)
    pdf.line(_LEFT, y[0] + 22, width - _LEFT, y[0] + 22)
    line(COPIED_TO, size=14)
    line(PRINTED, size=14)
    pdf.line(_LEFT, y[0] + 22, width - _LEFT, y[0] + 22)
    footer()
    pdf.save()
    return buffer.getvalue()
