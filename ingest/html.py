"""Web page to text: the article body only, one paragraph per line, its title first, and its headings.

trafilatura finds the article and drops navigation, scripts, share widgets and
footers; it runs offline on the markup it is given. What it keeps of a Chinese
government page's own furniture (发布时间, 来源, 字号, 打印本页…) is dropped here.
A page whose body does not open with its title gets the title from <h1> or <title>
(without the site name that <title> usually ends in). The headings are the <h1> to
<h6> of the article, which trafilatura keeps in its body tree as <head rend="hN">.
"""

from __future__ import annotations

import re

import trafilatura

NO_ARTICLE = "网页中没有找到正文"
DAMAGED = "网页无法解析"

_HEADING_REND = re.compile(r"h(?P<level>[1-6])")
_SITE_SUFFIX = re.compile(r"\s*(?:_|\||｜|\s[-–—]\s).*$")  # 规则_XX市直属机关工委, 规则 - 网站名
_TITLE_LINES = 3  # the title counts as present when it is one of the body's first lines
_FURNITURE = re.compile(
    r"(?:发布时间|发布日期|信息来源|来源|作者|责任编辑|编辑|浏览次数|点击数|阅读数|字号|【?字体)\s*[:：]"
    r"|(?:【?(?:打印本页|打印|关闭窗口|关闭|分享到|收藏)】?\s*)+$"
)


def html_text(markup: str) -> tuple[str, list[tuple[str, int]]]:
    """The article text of a web page and its headings as (line, level), in text order.

    Raises ValueError with a Chinese reason when the page has no article.
    """
    try:
        document = trafilatura.bare_extraction(
            markup, favor_precision=True, include_comments=False, include_tables=True, with_metadata=True
        )
    except Exception as exc:  # lxml raises on markup it cannot repair
        raise ValueError(DAMAGED) from exc
    lines = [line.strip() for line in (document.text or "").split("\n")] if document is not None else []
    lines = [line for line in lines if line and not _FURNITURE.match(line)]
    if document is None or not lines:
        raise ValueError(NO_ARTICLE)
    title = _SITE_SUFFIX.sub("", document.title or "").strip()
    if title and title not in lines[:_TITLE_LINES]:
        lines.insert(0, title)
    headings = [
        ("".join(head.itertext()), int(match["level"]))
        for head in document.body.iter("head")
        if (match := _HEADING_REND.fullmatch(head.get("rend", "")))
    ]
    return "\n".join(lines), headings
