"""The page's study and quiz views in headless Chromium against a real server.

A member digests a topic, collects passages as study material (from the digest, a search result or a
document), arranges them and downloads them as Word and Markdown; a member makes a quiz on a topic, edits
it and exports it to Excel. The material lives in the browser; the files come from the server. Every step
leaves a screenshot in test-output/browser/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import openpyxl
from playwright.sync_api import Browser, Download, Locator, Page, Route, expect

from tests import test_web
from tests.test_web import fits_horizontally, opened, search, shot

browser = test_web.browser  # the same fixtures: one Chromium per module, a fresh page per test
page = test_web.page

STUDY_TOPIC = "组织生活"
QUIZ_TOPIC = "发展党员"
PACK_TITLE = "组织生活专题学习材料"
COLUMNS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析", "出处"]
KIND_NAMES = {"填空题", "单选题", "判断题"}
QUOTED = re.compile(r"^「.+」$", re.S)  # the source's words, verbatim, in corner brackets


def material(page: Page) -> list[str]:
    """The citations in the study material list, in its order."""
    return page.locator("#material .citation").all_inner_texts()


def digest(page: Page, topic: str) -> Locator:
    page.goto("/#/study")
    page.fill("#study-topic", topic)
    page.press("#study-topic", "Enter")
    expect(page.locator("#digest-status")).to_contain_text("段")
    return page.locator("#digest .digest-passage")


def saved(download: Download, folder: Path) -> Path:
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def test_a_member_digests_a_topic_collects_and_orders_passages_and_downloads_them(
    page: Page, tmp_path: Path
) -> None:
    passages = digest(page, STUDY_TOPIC)
    assert passages.count() >= 2
    headings = page.locator("#digest .digest-group h2").all_inner_texts()
    assert headings and all(h.startswith("《") for h in headings), headings
    expect(page.locator("#material-empty")).to_be_visible()
    assert fits_horizontally(page)
    shot(page, "study-01-digest")

    first, second = passages.nth(0), passages.nth(1)
    citations = [p.locator(".citation").inner_text() for p in (first, second)]
    first.get_by_role("button", name="加入学习材料").click()
    expect(page.locator("#toast")).to_have_text("已加入学习材料")
    second.get_by_role("button", name="加入学习材料").click()
    expect(page.locator("#toast")).to_have_text("已加入学习材料")
    first.get_by_role("button", name="加入学习材料").click()  # once is enough
    expect(page.locator("#toast")).to_have_text("已在学习材料中")
    assert material(page) == citations
    expect(page.locator("#material-empty")).to_be_hidden()
    expect(page.locator("#material-count")).to_have_text("（2 段）")
    shot(page, "study-02-two-passages-collected")

    entries = page.locator("#material li")
    expect(entries.nth(0).get_by_role("button", name="上移")).to_be_disabled()
    expect(entries.nth(1).get_by_role("button", name="下移")).to_be_disabled()
    entries.nth(0).get_by_role("button", name="下移").click()
    ordered = citations[::-1]
    assert material(page) == ordered
    page.reload()  # the list is kept in the browser
    expect(page.locator("#material li")).to_have_count(2)
    assert material(page) == ordered
    shot(page, "study-03-reordered")

    page.fill("#pack-title", PACK_TITLE)
    with page.expect_download() as word:
        page.get_by_role("button", name="下载 Word").click()
    assert word.value.suggested_filename == f"{PACK_TITLE}.docx"
    lines = [p.text for p in docx.Document(saved(word.value, tmp_path)).paragraphs]
    assert lines[0] == PACK_TITLE
    sources = [line.removeprefix("——") for line in lines if line.startswith("——")]
    assert sources == ordered  # the citations, in the member's order
    expect(page.locator("#pack-status")).to_have_text(f"已下载 {PACK_TITLE}.docx")
    shot(page, "study-04-word-downloaded")

    with page.expect_download() as markdown:
        page.get_by_role("button", name="下载 Markdown").click()
    assert markdown.value.suggested_filename == f"{PACK_TITLE}.md"
    text = saved(markdown.value, tmp_path).read_text(encoding="utf-8")
    assert text.startswith(f"# {PACK_TITLE}\n")
    assert text.index(f"——{ordered[0]}") < text.index(f"——{ordered[1]}")
    shot(page, "study-05-markdown-downloaded")

    entries.nth(0).get_by_role("button", name="移除").click()
    assert material(page) == ordered[1:]
    shot(page, "study-06-one-removed")


def test_material_is_collected_from_a_search_result_and_from_the_document(page: Page) -> None:
    page.goto("/")
    search(page, "主题党日要包括哪些内容？")
    result = page.locator("#results li").first
    citation = result.locator(".citation").inner_text()
    result.get_by_role("button", name="加入学习材料").click()
    expect(page.locator("#toast")).to_have_text("已加入学习材料")
    expect(page.locator("#view-search")).to_be_visible()  # the button does not open the result
    shot(page, "study-07-added-from-search")

    result.click()
    current = page.locator("#doc-text .passage.current")
    expect(current).to_be_visible()
    actions = page.locator("#doc-text .actions")
    actions.get_by_role("button", name="加入学习材料").click()
    expect(page.locator("#toast")).to_have_text("已在学习材料中")  # the same passage as the result

    other_id = page.locator("#doc-text .passage:not(.current)").first.get_attribute("id")
    other = page.locator(f'#doc-text [id="{other_id}"]')
    other.click()  # a click makes another passage the current one, with its own buttons
    expect(other).to_have_class("passage current")
    expect(page.locator("#doc-text .passage.current")).to_have_count(1)
    other_citation = actions.locator(".cite").inner_text().strip()
    assert other_citation != citation
    actions.get_by_role("button", name="加入学习材料").click()
    expect(page.locator("#toast")).to_have_text("已加入学习材料")
    shot(page, "study-08-added-from-document")

    page.get_by_role("link", name="学习", exact=True).click()  # in the header
    expect(page.locator("#material li")).to_have_count(2)
    assert material(page) == [citation, other_citation]
    shot(page, "study-09-material-from-anywhere")


def quiz_ids(page: Page) -> list[str]:
    return page.locator("#quiz-items > li").evaluate_all("items => items.map(i => i.dataset.id)")


def make_quiz(page: Page) -> Locator:
    page.goto("/#/quiz")
    for kind in ("填空", "单选", "判断"):
        expect(page.get_by_label(kind)).to_be_checked()
    expect(page.locator("#quiz-n")).to_have_value("20")
    page.fill("#quiz-topic", QUIZ_TOPIC)
    page.get_by_role("button", name="生成").click()
    expect(page.locator("#quiz-status")).to_contain_text("共")
    return page.locator("#quiz-items > li")


def test_a_member_makes_a_quiz_edits_it_and_exports_it_to_excel(page: Page, tmp_path: Path) -> None:
    items = make_quiz(page)
    count = items.count()
    assert 3 <= count <= 20
    expect(page.locator("#quiz-status")).to_have_text(f"共 {count} 道题")
    assert set(page.locator("#quiz-items .kind").all_inner_texts()) <= KIND_NAMES
    for item in items.all():
        expect(item.locator(".question")).not_to_be_empty()
        expect(item.locator(".key")).to_contain_text("答案：")
        expect(item.locator(".source a")).to_contain_text("《")
        expect(item.locator(".source .quote")).to_have_text(QUOTED)
    for choice in items.filter(has=page.locator(".kind", has_text="单选题")).all():
        options = choice.locator(".choices li").all_inner_texts()
        assert [o[0] for o in options] == list("ABCD"), options
    assert fits_horizontally(page)
    shot(page, "quiz-01-generated")

    ids = quiz_ids(page)
    items.nth(0).get_by_role("button", name="删除").click()
    expect(items).to_have_count(count - 1)
    assert quiz_ids(page) == ids[1:]
    shot(page, "quiz-02-one-removed")

    kept = quiz_ids(page)
    target = items.nth(0)
    kind = target.get_attribute("data-kind")
    target.get_by_role("button", name="换一题").click()
    expect(page.locator("#toast")).to_have_text("已换一题")
    expect(items).to_have_count(count - 1)
    fresh = quiz_ids(page)
    assert fresh[1:] == kept[1:]  # replaced in place, the others untouched
    assert fresh[0] not in ids  # new, and not the one deleted before
    assert items.nth(0).get_attribute("data-kind") == kind
    shot(page, "quiz-03-one-replaced")

    questions = page.locator("#quiz-items .question").all_inner_texts()
    citations = page.locator("#quiz-items .source a").all_inner_texts()
    with page.expect_download() as excel:
        page.get_by_role("button", name="导出 Excel").click()
    assert excel.value.suggested_filename == f"{QUIZ_TOPIC}知识竞赛题目.xlsx"
    sheet = openpyxl.load_workbook(saved(excel.value, tmp_path)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == COLUMNS
    assert [row[1] for row in rows[1:]] == questions  # what the member kept, in the page's order
    assert [row[8] for row in rows[1:]] == citations
    assert {row[0] for row in rows[1:]} <= KIND_NAMES
    shot(page, "quiz-04-excel-exported")


def test_a_quiz_item_opens_its_source_with_the_quote_marked(page: Page) -> None:
    items = make_quiz(page)
    quote = items.nth(0).locator(".source .quote").inner_text()[1:-1]
    items.nth(0).locator(".source a").click()
    expect(page.locator("#view-document")).to_be_visible()
    expect(page.locator("#doc-text .passage.current mark")).to_have_text(quote)
    shot(page, "quiz-05-source-opened")


def test_when_nothing_more_can_be_asked_the_item_stays_and_the_member_is_told(page: Page) -> None:
    items = make_quiz(page)
    ids = quiz_ids(page)

    def nothing_more(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"items": []}))

    page.route("**/quiz/generate", nothing_more)  # the topic has no other item of this kind
    items.nth(0).get_by_role("button", name="换一题").click()
    expect(page.locator("#toast")).to_have_text("没有更多可出的题目")
    assert quiz_ids(page) == ids
    shot(page, "quiz-06-nothing-more")


def test_the_study_and_quiz_views_fit_a_phone(browser: Browser, live_server: str) -> None:
    with opened(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True) as phone:
        passages = digest(phone, STUDY_TOPIC)
        passages.first.get_by_role("button", name="加入学习材料").click()
        expect(phone.locator("#material li")).to_have_count(1)
        assert fits_horizontally(phone)
        shot(phone, "study-10-phone")

        make_quiz(phone)
        assert fits_horizontally(phone)
        shot(phone, "quiz-07-phone")
