"""The web page at / in headless Chromium against a real server, as a member and as an administrator.

Debian's chromium is driven by Playwright (its driver ships in the wheel; no browser is downloaded), and
the page may fetch nothing but the server itself. Every step leaves a screenshot in test-output/browser/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Error, Page, Route, expect, sync_playwright

from tests.conftest import ADMIN_TOKEN, NOTICE_TITLE, REPO, _require, write_notice

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: `make browser` installs it
ARGS = [
    "--headless",
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO / "test-output" / "browser"
QUESTION = "主题党日要包括哪些内容？"
PLAN_ITEM = "有主题、有主讲、有讨论、有收获"
PLAN_TITLE = "2022年市商务局党的建设工作要点"

expect.set_options(timeout=30_000)  # an answer embeds the question on the CPU: seconds on a busy machine


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _require(CHROMIUM)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=ARGS)
        yield browser
        browser.close()


@contextmanager
def opened(browser: Browser, server: str, **context: Any) -> Iterator[Page]:
    """A fresh page that may reach the server only; no script on it may fail."""
    ctx = browser.new_context(base_url=server, locale="zh-CN", **context)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)

    def local_only(route: Route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            route.abort()

    ctx.route("**/*", local_only)
    page = ctx.new_page()
    errors: list[Error] = []
    page.on("pageerror", lambda error: errors.append(error))  # not a bare builtin: Playwright tags it
    try:
        yield page
    finally:
        ctx.close()
    assert not errors, errors


@pytest.fixture()
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    with opened(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        yield page


def shot(page: Page, name: str) -> None:
    page.screenshot(path=SHOTS / f"{name}.png")  # what the member sees at this step


def fits_horizontally(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def search(page: Page, query: str) -> None:
    page.fill("#q", query)
    page.press("#q", "Enter")
    expect(page.locator("#status")).to_contain_text("找到")
    expect(page.locator("#answer")).not_to_contain_text("正在")  # the answer, if any, has arrived


def ask(page: Page) -> None:
    page.goto("/")
    search(page, QUESTION)
    expect(page.locator("#answer .quotes li").first).to_be_visible()


def test_a_member_asks_and_sees_a_cited_answer_and_highlighted_results(page: Page) -> None:
    ask(page)
    answer = page.locator("#answer")
    quotes = answer.locator(".quotes li")
    markers = answer.locator(".quotes .n").all_inner_texts()
    assert markers == [f"[{n}]" for n in range(1, quotes.count() + 1)], markers
    expect(quotes.filter(has_text=PLAN_ITEM).locator(".cite")).to_contain_text(f"《{PLAN_TITLE}》")
    for cite in answer.locator(".quotes .cite").all_inner_texts():
        assert cite.startswith("《"), cite

    results = page.locator("#results li")
    assert results.count() >= 3
    expect(results.filter(has_text=PLAN_ITEM).first.locator(".citation")).to_contain_text(f"《{PLAN_TITLE}》")
    marks = page.locator("#results mark").all_inner_texts()
    assert "主题党日" in marks, marks
    assert fits_horizontally(page)
    shot(page, "01-answer-and-results")


def test_a_result_opens_its_passage_in_the_document_and_copies_its_citation(page: Page) -> None:
    ask(page)
    page.locator("#results li").filter(has_text=PLAN_ITEM).first.click()

    expect(page.locator("#doc-title")).to_have_text(f"《{PLAN_TITLE}》")
    current = page.locator("#doc-text .passage.current")
    expect(current).to_contain_text(PLAN_ITEM)
    expect(current).to_be_in_viewport()
    expect(page.locator("#outline a").filter(has_text="一、突出政治统领")).to_be_visible()
    assert page.locator("#outline a").count() >= 10
    assert fits_horizontally(page)
    shot(page, "02-document-with-passage")

    citation = page.locator("#doc-text .actions .cite").inner_text().strip()
    page.get_by_role("button", name="复制引用").click()
    expect(page.locator("#toast")).to_have_text("已复制引用")
    copied = page.evaluate("window.__lastCopied")
    assert copied == f"「{current.inner_text()}」——{citation}"
    assert page.evaluate("navigator.clipboard.readText()") == copied
    shot(page, "03-citation-copied")


def test_a_quote_in_the_answer_opens_the_exact_sentence(page: Page) -> None:
    ask(page)
    quote = page.locator("#answer .quotes .quote").first
    quoted = quote.inner_text().strip("「」")
    quote.click()
    expect(page).to_have_url(re.compile(r"#/doc/[^/]+/[^/]+/\d+-\d+$"))
    expect(page.locator("#doc-text .passage.current mark")).to_have_text(quoted)
    shot(page, "04-quoted-sentence")


def test_exact_phrase_and_document_filter(page: Page) -> None:
    page.goto("/")
    page.check("#phrase")
    search(page, "有主题、有主讲")
    for text in page.locator("#results .text").all_inner_texts():
        assert "有主题、有主讲" in text
    assert set(page.locator("#results mark").all_inner_texts()) == {"有主题、有主讲"}
    expect(page.locator("#answer")).to_be_hidden()  # a phrase is looked up, not answered
    shot(page, "05-exact-phrase")

    page.uncheck("#phrase")
    page.select_option("#doc-filter", label="中国共产党章程")
    search(page, "党员的权利")
    citations = page.locator("#results .citation").all_inner_texts()
    citations += page.locator("#answer .quotes .cite").all_inner_texts()  # the answer is filtered too
    assert citations and all(c.startswith("《中国共产党章程》") for c in citations), citations
    shot(page, "06-document-filter")


def test_an_administrator_uploads_and_deletes_a_document(page: Page, tmp_path: Path) -> None:
    notice = write_notice(tmp_path)
    page.goto("/#/documents")
    rows = page.locator("#doc-rows tr")
    expect(rows).to_have_count(6)
    page.locator(".admin summary").click()
    page.set_input_files("#upload-file", notice)
    expect(page.locator("#upload-name")).to_have_text(notice.name)

    page.fill("#token", "a-wrong-token")
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#admin-status")).to_have_text("管理员令牌不正确")
    expect(page.locator("#admin-status")).to_have_class(re.compile("error"))

    page.fill("#token", ADMIN_TOKEN)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#admin-status")).to_have_text(f"已导入《{NOTICE_TITLE}》，共 3 段")
    expect(rows).to_have_count(7)
    row = rows.filter(has_text=NOTICE_TITLE)
    expect(row).to_contain_text("通知")
    assert fits_horizontally(page)
    shot(page, "07-uploaded")

    page.once("dialog", lambda dialog: dialog.accept())  # 「确定删除《…》？」
    row.get_by_role("button", name="删除").click()
    expect(page.locator("#admin-status")).to_have_text(f"已删除《{NOTICE_TITLE}》")
    expect(rows).to_have_count(6)
    shot(page, "08-deleted")


def test_the_page_fits_a_phone(browser: Browser, live_server: str) -> None:
    with opened(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        ask(page)
        assert fits_horizontally(page)
        shot(page, "09-phone-search")

        page.locator("#results li").filter(has_text=PLAN_ITEM).first.click()
        expect(page.locator("#doc-text .passage.current")).to_be_in_viewport()
        assert fits_horizontally(page)
        shot(page, "10-phone-document")

        page.goto("/#/documents")
        expect(page.locator("#doc-rows tr")).to_have_count(6)
        page.locator(".admin summary").click()
        assert fits_horizontally(page)
        shot(page, "11-phone-documents")
