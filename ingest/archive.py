"""Zip packages of XML parts (.docx, .odt, .ofd) checked before any library opens them.

A .docx, .odt or .ofd is a zip of XML parts, and their readers unpack and parse each part whole,
so a file is checked before it is opened: a zip bomb (parts that inflate to gigabytes)
is found from the sizes the archive declares, which bound what unpacking can produce,
and a document type declaration, where "billion laughs" entities are declared, from
the first bytes of each part. No office suite writes either.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

DAMAGED = "{label}已损坏，无法读取"
TOO_LARGE = "{label}解压后过大（约 {mb} MB，疑似压缩炸弹），已拒绝"
ABSURD_RATIO = "{label}中的 {part} 压缩比异常（约 {ratio} 倍，疑似压缩炸弹），已拒绝"
ENTITIES = "{label}含有XML实体定义（疑似XML炸弹），已拒绝"

MAX_UNPACKED = 200 * 2**20  # a 1000-page document with photos unpacks to tens of MB
# XML of real documents compresses 5 to 40 times; deflate cannot exceed about 1030.
MAX_RATIO = 200
_RATIO_FROM = 20 * 2**20  # small parts may compress to almost nothing without harm
_XML_PARTS = (".xml", ".rels")  # the parts that are parsed as XML, as the formats name them
_PROLOG_WINDOW = 64 * 2**10  # office suites write an XML declaration and nothing else before the root
# Whitespace, processing instructions (the XML declaration) and comments: what may precede a DTD.
_PROLOG_ITEMS = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)


def check_archive(data: bytes, label: str) -> None:
    """Refuse a zip bomb or an XML part with a DTD; ValueError with a Chinese reason naming the file as
    `label` (Word文档, OFD文件…).

    Cheap whatever the file: the sizes come from the archive's directory, and of each
    part only its first bytes are inflated. zipfile never unpacks more than a part's
    declared size (a lie fails the CRC check), so the declared sizes can be trusted.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            problem = _size_problem(parts, label) or _dtd_problem(archive, parts, label)
    except MemoryError:
        raise
    except Exception as exc:  # zipfile raises BadZipFile, zlib.error, NotImplementedError, RuntimeError…
        raise ValueError(DAMAGED.format(label=label)) from exc
    if problem:
        raise ValueError(problem)


def _size_problem(parts: list[zipfile.ZipInfo], label: str) -> str | None:
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED:
        return TOO_LARGE.format(label=label, mb=unpacked // 2**20)
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            return ABSURD_RATIO.format(label=label, part=part.filename, ratio=round(ratio))
    return None


def _dtd_problem(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], label: str) -> str | None:
    for part in parts:
        if not part.filename.lower().endswith(_XML_PARTS):
            continue  # pictures, and SVG or HTML parts that may carry a DTD harmlessly: never parsed as XML
        with archive.open(part) as stream:
            head = stream.read(_PROLOG_WINDOW)
        if _has_dtd(head, complete=len(head) < _PROLOG_WINDOW):
            return ENTITIES.format(label=label)
    return None


def _has_dtd(head: bytes, *, complete: bool) -> bool:
    """Whether the start of a part holds a document type declaration, or a prolog too long to tell.

    A DTD can only stand in the prolog, before the root element.
    """
    text = _decode_head(head)
    rest = text[_PROLOG_ITEMS.match(text).end() :]
    if rest[:9].upper() == "<!DOCTYPE":
        return True
    return not complete and (not rest or rest.startswith(("<!", "<?")))  # the prolog runs past the window


def _decode_head(head: bytes) -> str:
    """The start of an XML part as text, well enough to read its markup: UTF-8 or UTF-16, BOM or not."""
    if head.startswith((codecs.BOM_UTF16_LE, b"<\0")):
        return head.decode("utf-16-le", errors="ignore").removeprefix("\ufeff")
    if head.startswith((codecs.BOM_UTF16_BE, b"\0<")):
        return head.decode("utf-16-be", errors="ignore").removeprefix("\ufeff")
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")  # markup is ASCII
