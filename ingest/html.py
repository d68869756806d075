"""Web page to text: the article body only, one paragraph per line, its title first, and its headings.

trafilatura finds the article and drops navigation, scripts, share widgets and
footers; it runs offline on the markup it is given. What it keeps of a Chinese
government page's own furniture (发布时间, 来源, 字号, 打印本页…) is dropped here.

The title is the one a reader would use: the page's <title> without the site name and
column it usually ends in ("每周一学（2022年11月7日-11月13日）--学习专栏-某中学"), with
the page's subtitle when it has one. Where the site part ends is read from the page
itself when it can be: the article's own heading (<h1>…<h3>) is the start of <title>.
A column's pages often share one heading (每周一学) and differ only in the date or
subtitle <title> adds, so the heading alone is never preferred over the longer <title>.
The publication date (发布时间：2021年09月26日) is read from the line under the title.
"""

from __future__ import annotations

import html
import re
from copy import deepcopy as copy_element

import lxml.html
import trafilatura

from ingest.model import SourceText

NO_ARTICLE = "网页中没有找到正文"
# Its images were not saved with it (a browser saving the page alone keeps their addresses only).
PICTURES_ONLY = "网页正文只有图片，没有文字：请把图片另存后导入，图片中的文字会被识别"
DAMAGED = "网页无法解析"

_HEADING_REND = re.compile(r"h(?P<level>[1-6])")
# Between a title and the site name: "--", "_", "|" or a dash with spaces around it.
_SITE_SEPARATOR = re.compile(r"\s*(?:--+|_|\s[|｜]\s|｜|\s[-–—]\s)\s*")
_TITLE_LINES = 3  # the title counts as present when it is one of the body's first lines
_SHORT_ARTICLE_CHARS = 200  # less article text than this, and it is looked for around the heading
_MIN_ARTICLE_CHARS = 10
_MENUS = ".//nav | .//ul[.//a] | .//ol[.//a]"  # the site's menus and lists of links to other pages
_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section"})
_FURNITURE = re.compile(
    r"(?:(?:文章)?来源|发布时间|发布日期|发表时间|信息来源|作者|责任编辑|编辑|浏览次数|点击数|阅读数|字号|【?字体"
    r"|上一篇|下一篇|上一条|下一条|当前位置|您的位置|您现在的位置)"  # the site's links to other pages
    r"\s*[:：]"
    r"|(?:【?(?:打印本页|打印正文|打印|关闭窗口|关闭|分享到|收藏)】?\s*)+$"
)
# A hit counter's value and unit (点击数：<script>…</script>\n 次): the counter's script writes the number,
# and a line break in the markup may leave the unit on a line of its own after the label.
_COUNTER_VALUE = re.compile(r"[\d,]*\s*人?次")
_TABLE_RULE = re.compile(r"[|:\-\s]*")
_DATE_LABEL = re.compile(
    r"(?:发布时间|发布日期|发表时间|发布于|日期|时间)\s*[:：]?\s*"
    r"(?P<y>(?:19|20)\d\d)\s*[年./-]\s*(?P<m>\d{1,2})\s*[月./-]\s*(?P<d>\d{1,2})"
)
_DATE_WINDOW = 400  # characters after the title in which a page states its date
_SUBTITLE_CLASS = re.compile(r"sub-?title|subhead|fbt", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def html_text(markup: str) -> SourceText:
    """The article of a web page: its text, headings, title and publication date.

    Raises ValueError with a Chinese reason when the page has no article.
    """
    try:
        tree = lxml.html.fromstring(markup)
        for code in tree.iter("script", "style"):  # the tree is read for its text only
            code.text = ""
        document = trafilatura.bare_extraction(
            markup, favor_precision=True, include_comments=False, include_tables=True, with_metadata=True
        )
    except MemoryError:
        raise  # the worker's memory limit, not damage
    except Exception as exc:  # lxml raises on markup it cannot repair
        raise ValueError(DAMAGED) from exc
    lines = _article_lines(document.text or "") if document is not None else []
    title, heading = page_title(tree, document.title if document is not None else "")
    if sum(map(len, lines)) < _SHORT_ARTICLE_CHARS:  # trafilatura may drop a short article whole
        lines = _under_heading(tree, heading) or lines
    if not lines:
        raise ValueError(NO_ARTICLE)
    shown = heading or title  # the title as the page shows it above the article
    at = next((i for i, line in enumerate(lines[:_TITLE_LINES]) if line in (title, shown)), None)
    if at is None:
        lines.insert(0, shown)
    else:
        del lines[:at]  # a column's name or a breadcrumb above the article's title is the site's, not its
    headings = tuple(
        ("".join(head.itertext()), int(match["level"]))
        for head in document.body.iter("head")
        if (match := _HEADING_REND.fullmatch(head.get("rend", "")))
    )
    return SourceText(
        "\n".join(lines), "html", headings=headings, title=title, published=_published(tree, heading or title)
    )


def _article_lines(text: str) -> list[str]:
    """The extracted text's lines without the site's furniture, and without a value the page's script
    filled in after a furniture label that ends its line (点击数：, then 次 on the next)."""
    lines: list[str] = []
    after_label = False
    for line in (raw.strip() for raw in text.split("\n")):
        if not line:
            continue
        furniture = bool(_FURNITURE.match(line))
        if not furniture and not (after_label and _COUNTER_VALUE.fullmatch(line)):
            lines.append(line)
        after_label = furniture and line.endswith((":", "："))
    return _unwrap_layout_tables(lines)


def _unwrap_layout_tables(lines: list[str]) -> list[str]:
    """A row of one cell is the page's layout (a photo's caption, a whole reprint in a cell, a heading
    across a table's columns), not data: it is a line of text, not "| cell |", and so is a subheading an
    author framed with pipes (| 组织引领 战斗堡垒 |). Rows of several cells keep them ("| a | b |")."""
    kept: list[str] = []
    for line in lines:
        one_cell = len(line) > 1 and line[0] == line[-1] == "|" and "|" not in line[1:-1]
        cell = line[1:-1].strip() if one_cell else line
        if not _TABLE_RULE.fullmatch(cell):  # an empty cell, or the rule under a header (|---|---|)
            kept.append(cell)
    return kept


def _under_heading(tree: lxml.html.HtmlElement, heading: str) -> list[str]:
    """The lines of the smallest element around the article's heading that holds text besides it:
    the article, when it is too short for trafilatura to tell it from the page around it. An article
    of a few characters is the largest element holding them without the site's menus. Raises
    ValueError (PICTURES_ONLY) when the article is images and no text."""
    found = (h for h in tree.iter("h1", "h2", "h3") if heading and _tidy(h.text_content()) == heading)
    node = next(found, None)
    # Images after the heading and not inside it (as an icon would be): XPath's following axis.
    pictures = set(node.xpath("following::img")) if node is not None else set()
    short: list[str] = []  # the lines of the last element that held a few characters of article
    while node is not None:
        if short and node.xpath(_MENUS):
            return short  # a notice of a line (特此通知。): the elements further out are the site's
        lines = [line for line in _block_lines(node) if not _FURNITURE.match(line)]
        chars = sum(len(line) for line in lines if line != heading)
        if chars >= _MIN_ARTICLE_CHARS:
            return lines
        if chars:
            short = lines
        if any(image in pictures for image in node.iter("img")):
            # An article of pictures (a notice scanned as images): nothing to read but its heading, and
            # the elements further out are the site's (its links to other pages, its menus).
            raise ValueError(PICTURES_ONLY)
        node = node.getparent()
    return []


def _block_lines(element: lxml.html.HtmlElement) -> list[str]:
    """An element's text, one line per paragraph or table row. A line break in the markup is a space,
    as a browser shows it (点击数：<script>…</script>\n次 is one line), and only blocks break lines."""
    copy = copy_element(element)
    for node in copy.iter():
        node.text = node.text and node.text.replace("\n", " ")
        node.tail = node.tail and node.tail.replace("\n", " ")
    for row in list(copy.iter("tr")):  # a table's row as the article extractor writes it: | a | b |
        cells = [_tidy(cell.text_content()) for cell in row if cell.tag in ("td", "th")]
        for cell in list(row):
            row.remove(cell)
        row.text = f"| {' | '.join(cells)} |" if len(cells) > 1 else "".join(cells)
    for child in copy.iter(*_BLOCKS):
        child.tail = "\n" + (child.tail or "")
    return [line for line in (_tidy(raw) for raw in copy.text_content().split("\n")) if line]


def _tidy(text: str) -> str:
    """Markup text as one line: entities a CMS escaped twice (&amp;nbsp;) undone, spaces folded."""
    return _SPACES.sub(" ", html.unescape(html.unescape(text))).strip()


def page_title(tree: lxml.html.HtmlElement, fallback: str) -> tuple[str, str]:
    """The page's title, and the heading the article carries in its body ("" if none matches)."""
    raw = _tidy(tree.findtext(".//title") or "") or _tidy(fallback)
    headings = [_tidy(h.text_content()) for h in tree.iter("h1", "h2", "h3")]
    # The article's heading starts <title>, and what follows it there is the site's part.
    own = [h for h in headings if len(h) >= 2 and raw.startswith(h) and _is_site_part(raw[len(h) :])]
    if own:
        heading = max(own, key=len)
        title = heading
    else:
        title = _SITE_SEPARATOR.split(raw, maxsplit=1)[0].strip() if raw else ""
        if len(title) < 2:
            title = raw or next((h for h in headings if len(h) >= 2), "")
        # A column's pages may head their articles with the column's name alone (每周一学).
        heading = max((h for h in headings if len(h) >= 2 and title.startswith(h)), key=len, default="")
    subtitle = _subtitle(tree)
    if subtitle and subtitle not in title:
        title = f"{title}{'' if subtitle.startswith(('—', '-')) else '——'}{subtitle}"
    return title, heading


def _is_site_part(rest: str) -> bool:
    return not rest.strip() or bool(_SITE_SEPARATOR.match(rest))


def _subtitle(tree: lxml.html.HtmlElement) -> str:
    for element in tree.iter():
        if isinstance(element.tag, str) and _SUBTITLE_CLASS.search(element.get("class", "")):
            text = _tidy(element.text_content())
            if text:
                return text
    return ""


def _published(tree: lxml.html.HtmlElement, title: str) -> str:
    """The ISO date the page states under its title (发布时间：…), or ""."""
    text = _tidy(tree.text_content())
    # The title may stand in a breadcrumb or a list of links too: take the place a date follows.
    at = text.find(title) if title else -1
    while at >= 0:
        after = at + len(title)
        if match := _DATE_LABEL.search(text, after, after + _DATE_WINDOW):
            return f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}"
        at = text.find(title, after)
    return ""
