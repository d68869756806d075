"""Saved web pages in the shape of a party committee's study column, for the library tests.

Each page is what a browser saves: the site's header, navigation, sidebar of other
articles, breadcrumb, the article with its heading and 发布时间 line, the print link,
previous/next links, footer and scripts. `python -m tests.make_pages DIR` writes the
pages the tests use into DIR, so they can be looked at or ingested by hand.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Sequence
from pathlib import Path

SITE = "学习专栏-XX市第一中学"

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}--{site}</title>
<script src="/js/jquery.js"></script><style>.nav li{{display:inline}}</style></head>
<body>
<div class="top"><a href="{home}">首页</a> | <a href="/Category_370/Index.aspx">公共文件夹</a></div>
<ul class="nav"><li><a href="/Category_50/Index.aspx">党建引领</a></li>
<li><a href="/Category_55/Index.aspx">学习专栏</a></li>
<li><a href="/Category_56/Index.aspx">先锋故事</a></li></ul>
<div class="sideBox"><h3>推荐阅读</h3><ul>
<li><a href="/Item/101.aspx" title="标题：每周一学（2022年10月31日-11月6日）&#xD;发表时间：2022年10月31日">
每周一学（2022年10月31日-11月6日）</a><span>[10-31]</span></li>
<li><a href="/Item/102.aspx" title="标题：【党史上的今天】11月8日&#xD;发表时间：2022年11月08日">
【党史上的今天】11月8日</a><span>[11-08]</span></li>
</ul></div>
<div class="mainContent"><div class="mainBox"><div class="mHd">
<div class="path">当前位置：<a href="{home}">首页</a> &gt;
<a href="/Category_55/Index.aspx">学习专栏</a></div>
<h3>学习专栏</h3></div>
<div class="mBd"><!--startprint--><div class="printArea">
<h2 class="title">{heading}</h2>
<h3 class="subTitle"><span></span></h3>
<div class="property"><span>文章来源：</span> <span>作者：</span>
<span>发布时间：{published}</span> <span>点击数：<script src="/Common/GetHits.aspx?id=1"></script>
次</span></div>
<div class="conTxt">
{body}
</div></div><!--endprint-->
<div class="userControl"><a href="javascript:doPrint()">【打印正文】</a></div>
<div class="others"><div class="prev"><span>上一篇：</span>
<a href="/Item/99.aspx">【党史上的今天】11月6日</a></div></div>
</div></div></div>
<div class="footer"><p>版权所有：XX市第一中学 地址：XX市人民路1号</p></div>
<script>$(".subTitle span:empty").parent().hide()</script>
</body></html>
"""


def saved_page(
    title: str,
    paragraphs: Sequence[str],
    *,
    published: str,
    heading: str | None = None,
    home: str = "/",
    pictures: Sequence[str] = (),
    tables: Sequence[Sequence[Sequence[str]]] = (),
) -> str:
    """A saved page whose <title> is `title` (before the site's name) and whose article heading is
    `heading` (the title by default); `published` as the page writes it (2022年11月07日). `pictures`
    are the addresses of images the article shows after its paragraphs (a notice scanned as images);
    `tables` (rows of cells; a table of several columns has its first row as its header) follow the
    paragraphs."""
    body = "\n".join(
        [
            *(f'<p style="text-indent:2em">{html.escape(p)}</p>' for p in paragraphs),
            *(_table(rows) for rows in tables),
            *(f'<p><img src="{html.escape(src)}" style="max-width: 100%;" /></p>' for src in pictures),
        ]
    )
    return _PAGE.format(
        title=html.escape(title),
        site=SITE,
        heading=html.escape(title if heading is None else heading),
        published=published,
        body=body,
        home=home,
    )


def _table(rows: Sequence[Sequence[str]]) -> str:
    body = "".join(_row(cells, "th" if n == 0 and len(cells) > 1 else "td") for n, cells in enumerate(rows))
    return f'<table width="100%" border="0">{body}</table>'


def _row(cells: Sequence[str], tag: str) -> str:
    return "<tr>" + "".join(f"<{tag}>{html.escape(cell)}</{tag}>" for cell in cells) + "</tr>"


TWO_SPEECHES = (
    "在全市机关党建工作会议上的讲话（摘要）",
    "这次会议的主要任务是总结去年工作、部署今年任务。我讲三点意见。",
    "一、提高政治站位，深刻认识机关党建的重要意义",
    "机关党建是党的建设的重要组成部分，必须摆在更加突出的位置。",
    "二、突出工作重点，推动机关党建提质增效",
    "要抓好理论武装，落实好“三会一课”制度，每月开展一次主题党日。",
    "三、压实工作责任，确保各项任务落到实处",
    "各级党组织书记要切实履行第一责任人职责。",
    "市纪委书记在会上的总结讲话",
    "刚才，市委书记作了重要讲话，我就抓好贯彻落实讲三点意见。",
    "一、坚持问题导向，把监督挺在前面",
    "要紧盯机关作风建设中的突出问题，开展专项整治，发现一起查处一起。",
    "二、坚持严管厚爱，激励干部担当作为",
    "要落实容错纠错机制，为敢于担当的干部撑腰鼓劲。",
    "三、坚持以上率下，树立清正廉洁的良好形象",
    "领导干部要带头遵守廉洁自律规定，管好亲属和身边工作人员。",
)


def _weekly(days: str, text: str, published: str, *, home: str = "/") -> str:
    """A weekly page: its heading is only 每周一学, its <title> adds the week."""
    return saved_page(f"每周一学（{days}）", [text], published=published, heading="每周一学", home=home)


WEEK_A = ("2022年11月7日-11月13日", "本周学习：坚持以人民为中心的发展思想。", "2022年11月07日")
WEEK_B = ("2022年11月21日-11月27日", "本周学习：弘扬伟大建党精神，赓续共产党人精神血脉。", "2022年11月21日")


def write_pages(folder: Path) -> list[Path]:
    """The test pages: a page of two speeches, two weekly pages with one heading, a page saved twice."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = {
        "201.html": saved_page("每周一学（2022年11月14日-20日）", TWO_SPEECHES, published="2022年11月14日"),
        "202.html": _weekly(*WEEK_A),
        "203.html": _weekly(*WEEK_B),
        # The same page saved again under another name: only the site's links differ.
        "202.html.html": _weekly(*WEEK_A, home="/Default.html"),
    }
    for name, markup in pages.items():
        (folder / name).write_text(markup, encoding="utf-8")
    return [folder / name for name in pages]


if __name__ == "__main__":
    for written in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "pages")):
        print(written)
