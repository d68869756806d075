"""Bytes to text: detect the encoding of a plain-text file and refuse what is not text.

Chinese documents arrive as UTF-8 (with or without a BOM), UTF-16 with a BOM (saved
by Windows Notepad as "Unicode") or GB18030/GBK (older Windows tools). A file that
decodes but reads like noise is refused too: GB18030 maps almost any byte pair to
some character, so decoding alone does not prove that a file is text.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter

EMPTY = "文件内容为空"
NOT_TEXT = "文件内容不是可读的文字（可能是二进制文件，或使用了不支持的编码）"

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WITHOUT_BOM = ("utf-8", "gb18030")  # UTF-8 first: GBK bytes are rarely valid UTF-8, the reverse often is
_MIN_ORDINARY_SHARE = 0.9
_CJK_IDEOGRAPH_BLOCKS = ((0x3400, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def decode_text(data: bytes) -> str:
    """The text of a plain-text file's bytes; ValueError with a Chinese reason when it has none."""
    candidates = _encodings(data)
    strict = (_decode(data, encoding) for encoding in candidates)
    text = next((decoded for decoded in strict if decoded is not None), None)
    if text is None:
        # A stray bad byte or a last character cut in half should not cost the whole file: take the
        # decoding with the fewest replacement characters and let the readability check judge it.
        decodings = (data.decode(encoding, errors="replace") for encoding in candidates)
        text = min(decodings, key=lambda decoded: decoded.count("\ufffd"))
    if not text.strip():
        raise ValueError(EMPTY)
    if not is_readable(text):
        raise ValueError(NOT_TEXT)
    return text


def is_readable(text: str) -> bool:
    """Whether `text` reads like writing rather than bytes decoded as characters.

    Ordinary characters are whitespace, printable ASCII, anything in GB2312 (the
    6,763 common hanzi, Chinese punctuation, full-width forms) and non-CJK letters,
    digits and punctuation. Noise decoded as GB18030 or UTF-16 is mostly rare hanzi
    and control characters; real documents are at least 90% ordinary.
    """
    counts = Counter(text)
    ordinary = sum(count for char, count in counts.items() if _is_ordinary(char))
    return ordinary >= _MIN_ORDINARY_SHARE * len(text)


def _encodings(data: bytes) -> tuple[str, ...]:
    """The encodings to try, in order: the one a BOM names, else UTF-8 then GB18030."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return (encoding,)
    if b"\x00" in data:  # UTF-16 without a BOM is not supported, and NUL bytes are what binary files have
        raise ValueError(NOT_TEXT)
    return _WITHOUT_BOM


def _decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _is_ordinary(char: str) -> bool:
    if char.isascii():
        return char.isprintable() or char.isspace()  # control characters are ASCII too
    if char.encode("gb2312", "ignore"):
        return True
    code = ord(char)
    if any(low <= code <= high for low, high in _CJK_IDEOGRAPH_BLOCKS):
        return False  # a rare hanzi: typical of noise, tolerated up to the 10% share
    return unicodedata.category(char)[0] in "LNP"
