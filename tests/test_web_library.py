"""The library knowledge base: the plan, the regulations and the study column's 150 pages as a browser
saved them (../shared/corpus/web). Every article is kept once, under a title of its own, and a
regulation text a page reprints is cited from the regulation."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from index.evaluation.metrics import load_questions, satisfies
from index.knowledge_base import IngestResult, KnowledgeBase
from tests.conftest import copy_data_dir

GENERIC = {"每周一学", "学党爱党", "党课团课", "党史教育", "党建引领"}  # column names, no article's title


@pytest.fixture(scope="module")
def web_library(library, web_dir, tmp_path_factory) -> tuple[KnowledgeBase, list[IngestResult]]:
    data = copy_data_dir(library.data_dir, tmp_path_factory.mktemp("library") / "data")
    kb = KnowledgeBase(data, library.model_path)
    return kb, kb.ingest([web_dir])


def squeezed(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def site_part(web_dir: Path) -> str:
    """What every saved page's <title> ends with: the column and the site's name (--栏目-网站)."""
    titles = [
        re.search(r"<title>(.*?)</title>", p.read_text(encoding="utf-8"), re.S)
        for p in web_dir.glob("*.html")
    ]
    ends = [t.group(1).strip() for t in titles if t]
    shortest = min(map(len, ends))
    size = next((n for n in range(shortest) if len({e[len(e) - n - 1] for e in ends}) > 1), shortest)
    return ends[0][len(ends[0]) - size :]


def saved_twice(web_dir: Path) -> set[str]:
    """Pages saved again as N.html.html beside N.html: the same article with other site links."""
    return {p.name for p in web_dir.glob("*.html.html") if (web_dir / p.name.removesuffix(".html")).exists()}


def pictures_only(web_dir: Path) -> set[str]:
    """Pages whose article is images alone, saved without them (<img> in the article, no text)."""
    article = re.compile(r'<div class="conTxt">(.*?)<!--endprint-->', re.S)
    found = set()
    for page in web_dir.glob("*.html"):
        body = article.search(page.read_text(encoding="utf-8"))
        if body and "<img" in body.group(1).lower() and not re.sub(r"<[^>]+>|&nbsp;|\s", "", body.group(1)):
            found.add(page.name)
    return found


def test_every_page_with_text_is_kept_and_each_article_is_one_document(web_library, web_dir) -> None:
    kb, results = web_library
    pages = sorted(web_dir.glob("*.html"))
    twice, pictures = saved_twice(web_dir), pictures_only(web_dir)
    assert len(pages) == 150 and len(twice) == 4 and len(pictures) == 2
    assert len(results) == len(pages)  # SOURCES.md describes the folder: not a document
    statuses = Counter(r.status for r in results)
    kept = len(pages) - len(twice) - len(pictures)
    assert statuses == {"ingested": kept, "duplicate": len(twice), "failed": len(pictures)}
    duplicates = {Path(r.path).name: r.other_source for r in results if r.status == "duplicate"}
    assert duplicates == {name: name.removesuffix(".html") for name in twice}
    failed = {Path(r.path).name: r.message for r in results if r.status == "failed"}
    assert set(failed) == pictures
    assert all("网页正文只有图片" in message for message in failed.values())
    live = kb.searcher()
    assert {r.document_id for r in results if r.status != "failed"} <= set(live.titles)
    assert len(live.titles) == 6 + kept


def test_every_page_title_is_its_own_and_specific(web_library, web_dir) -> None:
    kb, results = web_library
    titles = [r.title for r in results if r.status == "ingested"]
    assert len(set(titles)) == len(titles)
    pieces = [piece for piece in site_part(web_dir).split("-") if piece]
    assert pieces  # the pages' <title>s do share the site part
    site = ("--", *(f"{piece}-" for piece in pieces), *(f"-{piece}" for piece in pieces))
    assert not [t for t in titles if t in GENERIC or any(part in t for part in site) or "&" in t]
    live = kb.searcher()
    dated = [live.metas[r.document_id].published for r in results if r.status != "failed"]
    assert all(re.fullmatch(r"20\d\d-\d\d-\d\d", d) for d in dated)


def test_no_page_keeps_the_sites_hit_counter(web_library) -> None:
    """点击数：<script>…</script> 次 is the site's line. Where a line break in the markup leaves its unit
    on a line of its own (five pages of the column), the unit goes with the line: no article of an
    interview series starts with 次."""
    live = web_library[0].searcher()
    assert not [p.citation for p in live.passages if "次" in p.text.split("\n")]


def test_every_answer_on_the_pages_is_found_by_phrase_search(web_library, all_dev_questions_path) -> None:
    live = web_library[0].searcher()
    on_pages = [q for q in load_questions(all_dev_questions_path) if q.id.startswith("ws")]
    assert len(on_pages) == 45
    missing = [
        q.id
        for q in on_pages
        if not any(
            satisfies(hit.passage.text, q.gold)
            for alternative in q.gold
            for hit in live.search(alternative[0], top_k=50, mode="phrase")
        )
    ]
    assert missing == []


def test_no_result_list_holds_one_text_twice(web_library, all_dev_questions_path) -> None:
    live = web_library[0].searcher()
    for question in load_questions(all_dev_questions_path):
        texts = [squeezed(h.passage.text) for h in live.search(question.query, top_k=10)]
        assert len(texts) == len(set(texts)), question.query


def test_reprinted_regulation_articles_are_cited_from_the_regulation(web_library, regulation_paths) -> None:
    """A study material that reprints a regulation's article word for word: searched for, the article
    is the regulation's, with the page as 另见."""
    live = web_library[0].searcher()
    titles = {path.stem.split("（")[0] for path in regulation_paths}
    articles = {squeezed(p.text): p for p in live.passages if live.titles[p.document_id] in titles}
    reprints = [
        (p, articles[squeezed(p.text)])
        for p in live.passages
        if live.titles[p.document_id] not in titles and squeezed(p.text) in articles
    ]
    assert len(reprints) >= 9  # 党员教育管理工作条例 第五条 to 第十四条, on one page
    for reprint, article in reprints:
        (hit,) = live.search(reprint.text[:60], top_k=1)
        assert hit.passage.id == article.id
        assert reprint.document_id in {ref.document_id for ref in hit.also}
