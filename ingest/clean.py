"""Bring raw plain text or Markdown into the one canonical form all offsets refer to.

The result has one paragraph per line: no blank lines, no leading or trailing
spaces, no Markdown markup that would hide a line-initial number such as
"**第一条 …**" or "## 第一章". Spaces inside a line (e.g. the full-width space in
"第一章　总则") are kept as written. Chinese punctuation is never touched; only
full-width ASCII digits and letters are folded, so that "第１２条" and "１．" read
like their half-width forms.
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")  # BOM and zero-width characters
_MD_BOLD = re.compile(r"\*\*")  # "__" is left alone: runs of underscores are fill-in blanks in forms
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s*)+")  # heading and block-quote markers
_MD_RULE = re.compile(r"[-*_=]{3,}")

# NFKC restricted to full-width 0-9, A-Z and a-z (U+FF10…): their half-width forms are 0xFEE0 lower.
_FULLWIDTH_ALNUM = str.maketrans(
    {
        code: code - 0xFEE0
        for block in (range(0xFF10, 0xFF1A), range(0xFF21, 0xFF3B), range(0xFF41, 0xFF5B))
        for code in block
    }
)


def clean_text(raw: str) -> str:
    """Return `raw` normalised to one stripped paragraph per line. Pure and idempotent."""
    text = _INVISIBLE.sub("", _LINE_BREAK.sub("\n", raw)).translate(_FULLWIDTH_ALNUM)
    lines = (_clean_line(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line and not _MD_RULE.fullmatch(line))


def _clean_line(line: str) -> str:
    line = _MD_BOLD.sub("", line).strip()
    return _MD_PREFIX.sub("", line).strip()
