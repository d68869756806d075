"""The layout of a party or government document (公文) as GB/T 9704-2012 lays it out, read from its text.

A 公文 opens with its 版头: the issuing organ's banner (发文机关标志, 中共XX委员会文件), the
document number (发文字号, X发〔2023〕5号) and, on reports to a higher organ, the signer (签发人).
Then come the title, the addressee (主送机关, a line ending in a colon), the body (正文), the
attachment note (附件：1．…), the issuing organ's signature (署名), the date it was written (成文日期),
a note in brackets (附注, （此件公开发布）), the attachments (附件, each on pages of its own, headed
附件1), and on the last page the 版记: 抄送 and the printing office with the printing date (印发).

Recognised only when the 版头 shows it is one (a banner ending in 文件, or a document number near the
top): an article or a plan without them is read as any other text. What this module reads is the
metadata (title, number, signer, issuer, date) and the spans the pipeline needs: where the body
starts and ends, and the attachments, which end where the 版记 starts. The banner, the closing
lines and the 版记 hold no passage: they say who and when, which the metadata carries.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ingest.outline import Appendix, is_marker_line, parse_number
from ingest.sentences import Span, paragraph_spans

_HEAD_LINES = 8  # banner, number and signer, a title of up to three lines, the addressee
_TITLE_LINES = 3
_LINE_MAX_CHARS = 60  # a title line, an addressee, an organ's name
_SIGNATURE_LINES = 3  # organs of a joint document sign one per line
_BANNER = re.compile(r"[\u4e00-\u9fff（）()、\s]{4,40}文\s*件")
_NUMBER = re.compile(r"[\u4e00-\u9fffA-Z]{1,16}\s*[〔［\[（(]\s*\d{4}\s*[〕］\]）)]\s*第?\s*\d{1,4}\s*号")
_YEAR_BRACKETS = str.maketrans("［[（(］]）)", "〔〔〔〔〕〕〕〕")
_SIGNER = re.compile(r"签\s*发\s*人\s*[：:]\s*(?P<names>[\u4e00-\u9fff·\s、]+)")
_NUMERAL = r"(?:\d{1,4}|[〇零一二三四五六七八九十]{1,4})"
_DATE = re.compile(rf"(?P<y>{_NUMERAL})\s*年\s*(?P<m>{_NUMERAL})\s*月\s*(?P<d>{_NUMERAL})\s*日")
_BRACKETED = re.compile(r"[（(].*[）)]")
# 附件2, heading the first page of an attachment.
ATTACHMENT_HEADING = re.compile(r"附\s*件\s*(?P<num>\d{1,2}|[一二三四五六七八九十]{1,3})?")
# 抄送：…, the printing office and date (XX办公室　2023年3月2日印发), the number of copies.
_COLOPHON = re.compile(rf"抄\s*送\s*[：:]|.{{0,40}}?{_DATE.pattern}\s*印\s*发$|[（(]共印\s*\d+\s*份[）)]")
_SENTENCE_PUNCTUATION = re.compile(r"[。！？；，,;!?]")


@dataclass(frozen=True, slots=True)
class OfficialLayout:
    title: str
    body: Span  # 正文 (addressee excluded, 附件说明 included)
    doc_number: str = ""  # 发文字号 as written: 中直党发〔2023〕5号
    signer: str = ""  # 签发人
    addressee: str = ""  # 主送机关, without its colon
    issuer: str = ""  # 发文机关署名 (joint organs joined by 、), else the banner's organ
    date: str = ""  # 成文日期, ISO
    date_line: str = ""  # 成文日期 as written
    attachments: tuple[Appendix, ...] = ()  # the 版记 after them is in none: it runs to the end


def official_layout(text: str) -> OfficialLayout | None:
    """The 公文 layout of a cleaned text, None when its opening lines are not a 版头."""
    spans = paragraph_spans(text)
    lines = [text[start:end] for start, end in spans]
    head = lines[:_HEAD_LINES]
    banner = next((i for i, line in enumerate(head) if _BANNER.fullmatch(line)), None)
    number = next((i for i, line in enumerate(head) if _NUMBER.search(line)), None)
    if banner is None and number is None:
        return None
    at = max(i for i in (banner, number) if i is not None) + 1
    while at < len(lines) and _SIGNER.search(lines[at]):  # 签发人 on a line of its own
        at += 1
    title_end = at
    while (
        title_end < min(len(lines), at + _TITLE_LINES)
        and _is_title_line(lines[title_end])
        and not _is_addressee(lines[title_end])
    ):
        title_end += 1
    if title_end == at:
        return None  # a banner without a title: not a layout we can read
    body_start = title_end
    addressee = ""
    if body_start < len(lines) and _is_addressee(lines[body_start]):
        addressee = lines[body_start].rstrip("：:")
        body_start += 1
    tail = _Tail.read(lines, body_start)
    signer = next((m for line in head if (m := _SIGNER.search(line))), None)
    numbered = _NUMBER.search(lines[number]) if number is not None else None
    banner_organ = re.sub(r"\s", "", lines[banner]).removesuffix("文件") if banner is not None else ""
    date = _DATE.fullmatch(lines[tail.date]) if tail.date is not None else None
    body_end = spans[tail.body_end - 1][1] if tail.body_end > body_start else spans[body_start][0]
    return OfficialLayout(
        title="".join(lines[at:title_end]),
        body=(spans[body_start][0] if body_start < len(spans) else len(text), body_end),
        doc_number=_canonical_number(numbered.group()) if numbered else "",
        signer=re.sub(r"\s", "", signer.group("names")) if signer else "",
        addressee=addressee,
        # OCR may read a seal's rim beside the signature as a colon.
        issuer="、".join(lines[i].rstrip("：:") for i in tail.signature) or banner_organ,
        date=_iso(date) if date else "",
        date_line=lines[tail.date] if tail.date is not None else "",
        attachments=tuple(_attachments(spans, lines, tail)),
    )


@dataclass(frozen=True, slots=True)
class _Tail:
    """Line indexes of what follows the body: signature, date, note, attachments and 版记."""

    body_end: int  # the first line after the body
    signature: tuple[int, ...]
    date: int | None
    attachments: tuple[int, ...]  # the 附件N heading lines
    end: int  # the end of the last attachment (the 版记's first line, or the last line)

    @classmethod
    def read(cls, lines: list[str], body_start: int) -> _Tail:
        colophon = next((i for i in range(body_start, len(lines)) if _COLOPHON.match(lines[i])), None)
        end = len(lines) if colophon is None else colophon
        date = next((i for i in range(body_start, end) if _DATE.fullmatch(lines[i])), None)
        if date is None:
            return cls(end, (), None, (), end)
        signature = []
        for i in range(date - 1, max(body_start, date - 1 - _SIGNATURE_LINES), -1):
            if not _is_organ(lines[i]) or ATTACHMENT_HEADING.match(lines[i]) or is_marker_line(lines[i]):
                break
            signature.insert(0, i)
        after = date + 1
        while after < end and _BRACKETED.fullmatch(lines[after]):  # 附注: （此件公开发布）
            after += 1
        attachments = tuple(i for i in range(after, end) if ATTACHMENT_HEADING.fullmatch(lines[i]))
        body_end = signature[0] if signature else date
        return cls(body_end, tuple(signature), date, attachments, end)


def _attachments(spans: list[Span], lines: list[str], tail: _Tail) -> list[Appendix]:
    """Each attachment from its 附件N line to the next one (or the 版记), its title the line after."""
    found = []
    bounds = [*tail.attachments, tail.end]
    for first, after in itertools.pairwise(bounds):
        titled = first + 1 < after and _is_title_line(lines[first + 1])
        heading_end = spans[first + 1 if titled else first][1]
        end = spans[after - 1][1]
        label = re.sub(r"\s", "", lines[first])
        found.append(Appendix(spans[first][0], heading_end, end, label, lines[first + 1] if titled else ""))
    return found


def _is_title_line(line: str) -> bool:
    return _is_organ(line) and not is_marker_line(line)


def _is_addressee(line: str) -> bool:
    return len(line) <= _LINE_MAX_CHARS * 2 and line.endswith(("：", ":")) and "。" not in line


def _is_organ(line: str) -> bool:
    """Short and without sentence punctuation or a date: a title line or an organ's name."""
    return len(line) <= _LINE_MAX_CHARS and not _SENTENCE_PUNCTUATION.search(line) and not _DATE.search(line)


def _canonical_number(number: str) -> str:
    """发文字号 as GB/T 9704 writes it, with 六角括号 round the year: typists and OCR use [] or （）."""
    return re.sub(r"\s", "", number).translate(_YEAR_BRACKETS)


def _iso(date: re.Match[str]) -> str:
    year, month, day = (_number(date.group(g)) for g in "ymd")
    return f"{year:04d}-{month:02d}-{day:02d}"


def _number(numeral: str) -> int:
    """2023, 二〇二三 (a year digit by digit), 十二 (a month or day) as an int."""
    if numeral.isdigit():
        return int(numeral)
    if "十" not in numeral:  # a year written digit by digit
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in numeral))
    return parse_number(numeral)
