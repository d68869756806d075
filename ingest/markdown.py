"""Markdown headings: the lines a Markdown file marks with # to ######, and their levels.

Only ATX headings ("## 工作要求") count, in the form whose marker `ingest.clean`
strips: the marker followed by a space (full-width too). "##工作要求" without the space
is not a heading in CommonMark and stays text; setext underlines (=== or --- under a
line) are not read.
"""

from __future__ import annotations

import re

_ATX_HEADING = re.compile(r"\s*(?P<marker>#{1,6})\s+\S")


def markdown_headings(text: str) -> list[tuple[str, int]]:
    """The (line, level) of each heading line of a Markdown text, in text order."""
    return [(line, len(match["marker"])) for line in text.splitlines() if (match := _ATX_HEADING.match(line))]
