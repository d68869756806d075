"""Find the heading structure of one document and build its outline tree.

Lines are matched against the numbering families of Chinese official writing,
outermost first: 第X编 > 第X章 > 第X节 > 第X条 > 一、 > （一） > 1. > （1）, plus
unnumbered headings such as 总纲, 总则 and 附则. Only a marker at the start of a line
counts, so a cross-reference in running text (根据《…》第三条) is never a heading.

Which families are headings is decided per document, because the same marker
plays different roles: in a regulation 第X条 is the article we cite and （一）
inside it is a list item; in a work plan without articles 一、 opens a section
and 1. is an item. The rules:

* numbers run in sequence within a family, restarting at 1 only under a new parent
  where the convention allows it (节, and the list families); a match out of sequence
  is ordinary text. A family needs two accepted lines to count at all, unless the one
  line is a 第X marker followed by a space ("第一章　总则");
* 编/章/节 are always headings. The unit (what a passage is cut around) is 第X条 if
  the document has articles, otherwise the outermost list family whose lines read
  like text rather than like headings. Families outside the unit are headings,
  families inside it stay in the unit's text as list items.

Some formats also say outright which lines are headings, and at what level (Markdown
"## 工作要求", a Word paragraph styled 标题 2, an HTML <h2>). A marked line that is a
numbered heading or unit is one as above: its family, not the mark, decides its level,
because authors style the same 第X章 sometimes as 标题 1, sometimes as 标题 2. A marked
line without an accepted number opens an unnumbered section, placed by its level: beside
the numbered headings the source marks at the same level (## 工作要求 after ## 一、…),
and otherwise nested by level between them.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ingest.model import Passage, Section
from ingest.sentences import Span, paragraph_spans

# Sections whose whole text, marker line included, is cut into passages.
UNIT_KINDS = frozenset({"article", "item"})

_CN_DIGITS = {
    char: value
    for value, chars in enumerate(("零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九"))
    for char in chars
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = r"(?P<num>[零〇一二两三四五六七八九十百千]+|\d+)"
_SENTENCE_END = re.compile(r"[。！？；]")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")  # "党　员" is spaced for looks only
_HEADING_MAX_CHARS = 50
_ITEM_TITLE_MAX_CHARS = 30
# Right after "第X条" with no space these start a cross-reference ("第三条规定的…", "第五条、第六条"):
XREF_FOLLOWERS = frozenset("、，,。；：:的之所规至中和及或与第款项（(")
_TITLED_PARTS = frozenset({"piece", "attachment"})
_UNNUMBERED = frozenset({"总纲", "总则", "分则", "附则", "序言", "前言", "引言", "结束语"})


@dataclass(frozen=True, slots=True)
class _Family:
    prefix: str  # section key prefix: "c" and 2 give "c2"
    pattern: re.Pattern[str]
    kind: str  # Section.kind when the family is a heading
    restarts: bool  # numbering may start again at 1 under a new parent
    ordinal: bool  # written 第X…: a space after the marker is the mark of a real heading


def _ordinal(prefix: str, unit: str, kind: str, *, restarts: bool) -> _Family:
    return _Family(prefix, re.compile(rf"第{_NUMBER}{unit}"), kind, restarts, ordinal=True)


def _listed(prefix: str, pattern: str) -> _Family:
    return _Family(prefix, re.compile(pattern), "section", restarts=True, ordinal=False)


_CN_NUMERAL = r"(?P<num>[一二三四五六七八九十百]+)"
_ARABIC_NUMERAL = r"(?P<num>\d{1,3})"
_PART = _ordinal("b", "编", "part", restarts=False)
_CHAPTER = _ordinal("c", "章", "chapter", restarts=False)
_SECTION = _ordinal("s", "节", "section", restarts=True)
_ARTICLE = _ordinal("a", "条", "article", restarts=False)
_CN = _listed("i", rf"{_CN_NUMERAL}、")
_CN_PAREN = _listed("k", rf"[（(]{_CN_NUMERAL}[）)]")
_ARABIC = _listed("n", rf"{_ARABIC_NUMERAL}[.．、](?!\d)")
_ARABIC_PAREN = _listed("m", rf"[（(]{_ARABIC_NUMERAL}[）)]")

_FAMILIES = (_PART, _CHAPTER, _SECTION, _ARTICLE, _CN, _CN_PAREN, _ARABIC, _ARABIC_PAREN)  # outermost first
_STRUCTURAL = (_PART, _CHAPTER, _SECTION)
_LISTS = (_CN, _CN_PAREN, _ARABIC, _ARABIC_PAREN)


@dataclass(frozen=True, slots=True)
class _Marker:
    """A line that starts with a numbering marker (or is an unnumbered heading)."""

    family: _Family | None  # None for an unnumbered heading such as 总纲
    number: int
    label: str
    rest: str  # the line after the marker, stripped
    start: int
    end: int
    separated: bool  # a space (or nothing) follows the marker
    level: int | None = None  # the heading level the source format marks the line with, if any

    @property
    def segment(self) -> str:
        """This marker's part of a section key: "c2" for 第二章."""
        assert self.family is not None
        return f"{self.family.prefix}{self.number}"


@dataclass(slots=True)
class _Node:
    key: str
    kind: str
    label: str
    title: str
    start: int
    level: int
    end: int = 0
    children: list[_Node] = field(default_factory=list)

    def freeze(self) -> Section:
        children = tuple(child.freeze() for child in self.children)
        return Section(self.key, self.kind, self.label, self.title, self.start, self.end, children)


@dataclass(frozen=True, slots=True)
class Appendix:
    """A part of a document after its body with an outline of its own: a 公文's 附件."""

    start: int
    heading_end: int  # its heading lines: 附件1, and the attachment's title
    end: int
    label: str
    title: str


def build_outline(
    text: str,
    body_start: int = 0,
    marked: Mapping[int, int] | None = None,
    *,
    body_end: int | None = None,
    appendices: Sequence[Appendix] = (),
) -> tuple[Section, ...]:
    """The outline of `text[body_start:body_end]`, in document order, and of each appendix.

    `marked` maps the start offset of each line the source format marks as a heading
    to the level it marks (1 is outermost). Text before the first heading becomes a
    "preamble" section labelled 序言 (正文 when the document has no structure at all).
    A page that holds several articles one after another gives each article after the
    first a "piece" section of its own (see `_pieces`), its outline built inside it.
    Each appendix is an "attachment" section, its outline built inside it; text outside
    the body and the appendices (a 公文's signature and 版记) is in no section.
    """
    body_end = len(text) if body_end is None else body_end
    spans = paragraph_spans(text, body_start, body_end)
    candidates = [m for start, end in spans if (m := _candidate(text, start, end, (marked or {}).get(start)))]
    pieces = _pieces(text, spans, candidates)
    first_end = pieces[0].start if pieces else body_end
    outline = _tree(text, candidates, body_start, first_end, prefix="")
    first = outline[0].start if outline else first_end
    preamble = paragraph_spans(text, body_start, first)
    if preamble:
        label = "序言" if outline or pieces else "正文"
        outline = (Section("pre", "preamble", label, "", preamble[0][0], preamble[-1][1]), *outline)
    for number, (piece, after) in enumerate(itertools.zip_longest(pieces, pieces[1:]), start=2):
        end = after.start if after else body_end
        outline = (*outline, _part(text, candidates, f"t{number}", "piece", piece, end))
    for number, appendix in enumerate(appendices, start=1):
        inside = [
            m
            for start, end in paragraph_spans(text, appendix.heading_end, appendix.end)
            if (m := _candidate(text, start, end, (marked or {}).get(start)))
        ]
        outline = (*outline, _part(text, inside, f"x{number}", "attachment", appendix, appendix.end))
    return outline


def _part(
    text: str, candidates: Sequence[_Marker], key: str, kind: str, part: _Piece | Appendix, end: int
) -> Section:
    """A piece of a page or an appendix, its heading lines its own and its outline built inside it."""
    children = _tree(text, candidates, part.heading_end, end, prefix=f"{key}.")
    node = _Node(key, kind, part.label, part.title, part.start, level=0)
    _close(node, end, text)
    return replace(node.freeze(), children=children)


def _tree(text: str, candidates: Sequence[_Marker], start: int, end: int, prefix: str) -> tuple[Section, ...]:
    """The heading tree of `text[start:end]`; every key starts with `prefix` and is unique."""
    markers = _markers([m for m in candidates if start <= m.start < end])
    headings, unit = _roles(markers)
    levels, marked_levels = _levels(markers, headings)
    kinds = {level: family.kind for family, level in levels.items()}

    def unnumbered_level(marker: _Marker) -> int:
        return 1 if marker.level is None else marked_levels[marker.level]  # an unmarked 总则 is outermost

    unnumbered = [unnumbered_level(marker) for marker in markers if marker.family is None]
    unit_level = max([*levels.values(), *unnumbered], default=0) + 1

    roots: list[_Node] = []
    stack: list[_Node] = []
    keys: set[str] = set()
    unnumbered_count = 0
    for marker in markers:
        if marker.family is None:
            unnumbered_count += 1
            segment, level = f"g{unnumbered_count}", unnumbered_level(marker)
            kind = kinds.get(level, "chapter" if level == 1 else "section")
            label, title = _tidy(text[marker.start : marker.end]), ""
        elif marker.family in levels:
            segment, level, kind = marker.segment, levels[marker.family], marker.family.kind
            label, title = marker.label, _tidy(marker.rest)
        elif marker.family is unit:
            segment, level = marker.segment, unit_level
            kind = "article" if unit is _ARTICLE else "item"
            label, title = marker.label, "" if unit is _ARTICLE else _short_title(marker.rest)
        else:
            continue  # a list item inside a unit: stays in the unit's text
        while stack and stack[-1].level >= level:
            _close(stack.pop(), marker.start, text)
        parent = stack[-1] if stack else None
        key = _unique(f"{parent.key}.{segment}" if parent else f"{prefix}{segment}", keys)
        node = _Node(key, kind, label, title, marker.start, level)
        (parent.children if parent else roots).append(node)
        stack.append(node)
    while stack:
        _close(stack.pop(), end, text)
    return tuple(node.freeze() for node in roots)


def _unique(key: str, keys: set[str]) -> str:
    """`key`, or `key` with a repeat mark ("i1r2") when a restarted numbering would repeat it:
    passage IDs derive from section keys and must never collide."""
    unique, repeat = key, 1
    while unique in keys:
        repeat += 1
        unique = f"{key}r{repeat}"
    keys.add(unique)
    return unique


@dataclass(frozen=True, slots=True)
class _Piece:
    """Where a further article of a multi-article page starts, and its heading lines."""

    start: int
    heading_end: int
    label: str
    title: str  # its subtitle (——某某同志主要事迹), "" when it has none


def _pieces(text: str, spans: Sequence[Span], candidates: Sequence[_Marker]) -> list[_Piece]:
    """Further articles of a page that holds several, each numbered from 一、 (or 第一条…) again.

    A numbering that starts again at 1 with no outer marker since its last number (no
    new chapter for its articles, no new 一、 for its （一）) does not continue the
    outline: when a title line stands shortly before it, that line opens a new article.
    Without such a line the repeated numbers stay ordinary text, as before.
    """
    starts = [start for start, _ in spans]
    pieces: list[_Piece] = []
    for depth, family in enumerate(_FAMILIES):
        # Where this family may legitimately start again: any outer marker, any article found so far.
        resets = sorted(
            [m.start for m in candidates if m.family is None or m.family in _FAMILIES[:depth]]
            + [piece.start for piece in pieces]
        )
        last, previous = 0, -1
        for marker in (m for m in candidates if m.family is family):
            if bisect.bisect_left(resets, marker.start) > bisect.bisect_right(resets, previous):
                last = 0
            restarted = marker.number == 1 and last >= 2
            piece = _piece_heading(text, spans, starts, marker, previous) if restarted else None
            if piece is not None:
                pieces.append(piece)
                last = 1
            elif marker.number == last + 1 or (family.ordinal and marker.separated and marker.number > last):
                last = marker.number
            previous = marker.start
    return sorted(pieces, key=lambda piece: piece.start)


_PIECE_LOOKBACK = 6  # paragraphs before the restarted numbering in which its article's title may stand
_PIECE_TITLE_MAX_CHARS = 40
_PIECE_TITLE_BAD_END = tuple("：:，,、")
_BRACKETED = re.compile(r"[（(【\[].*[）)】\]]")


def _piece_heading(
    text: str, spans: Sequence[Span], starts: Sequence[int], marker: _Marker, previous: int
) -> _Piece | None:
    """The title line (and subtitle line) nearest before `marker`, after the `previous` marker."""
    at = bisect.bisect_left(starts, marker.start)
    for index in range(at - 1, max(at - 1 - _PIECE_LOOKBACK, -1), -1):
        start, end = spans[index]
        if start <= previous:
            return None
        line = text[start:end]
        if not _is_piece_title(line):
            continue
        above = spans[index - 1] if index > 0 else None
        if above and above[0] > previous and _is_piece_title(text[above[0] : above[1]]):
            return _Piece(above[0], end, _tidy(text[above[0] : above[1]]), _tidy(line))
        return _Piece(start, end, _tidy(line), "")
    return None


def _is_piece_title(line: str) -> bool:
    return (
        2 <= len(line) <= _PIECE_TITLE_MAX_CHARS
        and not _SENTENCE_END.search(line)
        and not line.endswith(_PIECE_TITLE_BAD_END)
        and not _BRACKETED.fullmatch(line)
        and not is_marker_line(line)
    )


def heading_line(section: Section, text: str) -> tuple[int, int] | None:
    """Span of the heading line a section opens with; None for units and the preamble.

    A unit's marker line is part of its text ("第八条　…"); the preamble has no written heading.
    """
    if section.kind in UNIT_KINDS or section.kind == "preamble":
        return None
    newline = text.find("\n", section.start, section.end)
    if section.kind in _TITLED_PARTS and section.title and newline >= 0:  # a label line and a title line
        newline = text.find("\n", newline + 1, section.end)
    return section.start, section.end if newline < 0 else newline


def iter_sections(outline: Sequence[Section]) -> Iterator[Section]:
    """All sections, depth first, in document order."""
    for section in outline:
        yield section
        yield from iter_sections(section.children)


def attach_passage_ids(outline: Sequence[Section], passages: Sequence[Passage]) -> tuple[Section, ...]:
    """The outline with each section's passage_ids filled from the passages' section keys."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for passage in passages:
        by_key[passage.section_key].append(passage.id)

    def attach(section: Section) -> Section:
        children = tuple(attach(child) for child in section.children)
        return replace(section, children=children, passage_ids=tuple(by_key.get(section.key, ())))

    return tuple(attach(section) for section in outline)


def is_marker_line(line: str) -> bool:
    """Whether a line starts like a heading, article or list item (sequence not checked)."""
    return _match_line(line, 0, len(line)) is not None


def _markers(candidates: Sequence[_Marker]) -> list[_Marker]:
    """Of the lines that start like a marker, the heading, unit and list-item lines, in text order."""
    markers = _in_sequence(list(candidates))
    accepted = {m.start for m in markers}
    # A marked line whose number is out of sequence is still a heading, just not a numbered one.
    rejected = [m for m in candidates if m.level is not None and m.start not in accepted]
    markers += [_unnumbered(m.start, m.end, m.level) for m in rejected]
    return sorted(markers, key=lambda marker: marker.start)


def _candidate(text: str, start: int, end: int, level: int | None) -> _Marker | None:
    """The marker a line starts with, carrying the level the source marks it with.

    A marked line without a marker is an unnumbered heading. A marked line too long for
    a heading is a paragraph styled by mistake: it is read as if it were unmarked, so
    that its text stays in a passage.
    """
    marker = _match_line(text, start, end)
    if level is None or end - start > _HEADING_MAX_CHARS:
        return marker
    return _unnumbered(start, end, level) if marker is None else replace(marker, level=level)


def _unnumbered(start: int, end: int, level: int | None = None) -> _Marker:
    return _Marker(None, 0, "", "", start, end, separated=True, level=level)


def _match_line(text: str, start: int, end: int) -> _Marker | None:
    line = text[start:end]
    if "".join(line.split()) in _UNNUMBERED:
        return _unnumbered(start, end)
    for family in _FAMILIES:
        if match := family.pattern.match(line):
            after = line[match.end() :]
            rest = after.strip()
            separated = not rest or after[0].isspace()
            marker = _Marker(family, parse_number(match["num"]), match.group(), rest, start, end, separated)
            return marker if _plausible(marker) else None
    return None


def _plausible(marker: _Marker) -> bool:
    """Shape checks that reject a marker before its number is even looked at."""
    if marker.family in _STRUCTURAL:
        return _looks_like_heading(marker)
    if marker.family is _ARTICLE:
        return marker.separated or marker.rest[0] not in XREF_FOLLOWERS
    return bool(marker.rest)


def _looks_like_heading(marker: _Marker) -> bool:
    return marker.end - marker.start <= _HEADING_MAX_CHARS and not _SENTENCE_END.search(marker.rest)


def _in_sequence(candidates: list[_Marker]) -> list[_Marker]:
    """The candidates whose numbers run in sequence, family by family, outermost first.

    A family's numbering may restart at 1 only after an accepted marker of an outer
    family (a new parent). A 第X marker followed by a space may also skip ahead, so one
    gap in the source does not swallow every later article.
    """
    accepted = [marker for marker in candidates if marker.family is None]
    for family in _FAMILIES:
        boundaries = sorted(marker.start for marker in accepted)  # outer markers accepted so far
        own: list[_Marker] = []
        last, last_start = 0, -1
        for marker in (m for m in candidates if m.family is family):
            outer_since_last = bisect.bisect_left(boundaries, marker.start) - bisect.bisect_right(
                boundaries, last_start
            )
            if (
                marker.number == last + 1
                or (marker.number == 1 and outer_since_last > 0 and family.restarts)
                or (family.ordinal and marker.separated and marker.number > last)
            ):
                own.append(marker)
                last, last_start = marker.number, marker.start
        if len(own) >= 2 or (len(own) == 1 and family.ordinal and own[0].separated):
            accepted.extend(own)  # one match alone counts only in the unmistakable form "第一章　…"
    return sorted(accepted, key=lambda marker: marker.start)


def _roles(markers: list[_Marker]) -> tuple[list[_Family], _Family | None]:
    """Heading families (outermost first) and the unit family of one document."""
    present = [family for family in _FAMILIES if any(m.family is family for m in markers)]
    headings = [family for family in present if family in _STRUCTURAL]
    if _ARTICLE in present:
        return headings, _ARTICLE
    for family in (family for family in present if family in _LISTS):
        lines = [marker for marker in markers if marker.family is family]
        if 2 * sum(map(_looks_like_heading, lines)) < len(lines):
            return headings, family  # mostly full sentences: these are the items
        headings.append(family)
    return headings, None


def _levels(markers: list[_Marker], headings: list[_Family]) -> tuple[dict[_Family, int], dict[int, int]]:
    """Outline levels (1 outermost) of the heading families, and of each marked level of unnumbered headings.

    Heading families nest in family order. A family whose headings the source marks
    anchors its marked level (the shallowest, if it varies): unnumbered headings marked
    at that level share its outline level, those marked deeper or shallower nest below
    or above it. A family not marked sits just inside the anchor before it. Without any
    anchor, the shallowest unnumbered headings sit beside the outermost family, as 总则 does.
    """
    unnumbered = sorted({m.level for m in markers if m.family is None and m.level is not None})
    anchors: dict[_Family, int] = {}
    for family in headings:
        marks = [m.level for m in markers if m.family is family and m.level is not None]
        if marks and min(marks) > max(anchors.values(), default=0):  # anchors must follow family order
            anchors[family] = min(marks)
    if unnumbered and headings and not anchors:
        anchors[headings[0]] = unnumbered[0]
    # Sort keys: (marked level, 0) for anchors and unnumbered levels, (anchor above, depth) otherwise.
    family_keys: dict[_Family, tuple[int, int]] = {}
    anchor = 0
    for depth, family in enumerate(headings, start=1):
        anchor = anchors.get(family, anchor)
        family_keys[family] = (anchor, 0 if family in anchors else depth)
    level_keys = {level: (level, 0) for level in unnumbered}
    ranks = {key: rank for rank, key in enumerate(sorted({*family_keys.values(), *level_keys.values()}), 1)}
    return (
        {family: ranks[key] for family, key in family_keys.items()},
        {level: ranks[key] for level, key in level_keys.items()},
    )


def _close(node: _Node, end: int, text: str) -> None:
    while end > node.start and text[end - 1].isspace():
        end -= 1
    node.end = end


def _tidy(heading: str) -> str:
    return _CJK_GAP.sub("", heading.strip())


def _short_title(rest: str) -> str:
    """An item's first sentence, as its title: "严肃党内政治生活。严格执行…" gives "严肃党内政治生活"."""
    first = rest.split("。", 1)[0]
    return first if len(first) <= _ITEM_TITLE_MAX_CHARS else first[:_ITEM_TITLE_MAX_CHARS] + "…"


def parse_number(numeral: str) -> int:
    """123 or 一百二十三 (also 十一, 一百零一) as an int."""
    if numeral.isascii():
        return int(numeral)
    total = digit = 0
    for char in numeral:
        if char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
        else:
            digit = _CN_DIGITS[char]
    return total + digit
