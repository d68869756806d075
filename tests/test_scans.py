"""Scanned and photographed pages are read by OCR, offline, and cited like their text versions.

The scans are made from the regulation's own text by tests/make_scans.py (a chapter typeset, stamped
with a red seal and scanned; a work-plan page photographed; a PDF of one text and one scanned page).
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.loader import load_document
from ingest.model import Document
from ingest.pipeline import OCR_MARK
from tests.conftest import PLAN, REPO
from tests.make_fixtures import FIXTURES
from tests.make_scans import RUNNING_HEADER, chapter, write_all

SCAN, PHOTO, MIXED = "扫描件-第四章.pdf", "手机拍照-工作要点.jpg", "混合-第四章.pdf"
NOTICE = "扫描件-红头通知.pdf"
SCAN_OFD = "扫描件-第四章.ofd"


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory, regulations_dir: Path) -> dict[str, Path]:
    return write_all(regulations_dir, PLAN, tmp_path_factory.mktemp("scans"), FIXTURES / "notice.pdf")


@pytest.fixture(scope="module")
def read(scans: dict[str, Path]) -> dict[str, Document]:
    """Each scan read as a member's ingest reads it (ingest.loader, in this process)."""
    return {name: load_document(path) for name, path in scans.items()}


def squeeze(text: str) -> str:
    return "".join(text.split())


def articles(document: Document) -> dict[str, str]:
    """Article label → its passage text."""
    return {p.heading_path[-1]: p.text for p in document.passages if p.heading_path[-1].endswith("条")}


def test_a_scanned_chapter_reads_at_97_percent_of_its_characters(
    read: dict[str, Document], regulations_dir: Path
):
    source, scanned = squeeze(chapter(regulations_dir)), squeeze(read[SCAN].text)
    matched = sum(
        block.size
        for block in difflib.SequenceMatcher(None, source, scanned, autojunk=False).get_matching_blocks()
    )
    assert matched / len(source) >= 0.97
    assert len(scanned) <= len(source) * 1.03  # nothing read that is not there


def test_a_scanned_chapter_is_cut_into_the_articles_of_its_text_version(
    read: dict[str, Document], regulations_dir: Path
) -> None:
    text = chapter(regulations_dir)
    expected = [
        line.split("　")[0] for line in text.splitlines() if line.startswith("第") and "条" in line[:6]
    ]
    found = articles(read[SCAN])
    assert list(found) == expected
    assert read[SCAN].passages[0].page == 1 and read[SCAN].passages[-1].page == 2


def test_no_running_header_page_number_or_seal_text_in_a_scans_passages(read: dict[str, Document]) -> None:
    for passage in read[SCAN].passages:
        assert RUNNING_HEADER not in passage.text.replace("　", "")
        assert "直属机关工作委员会" not in passage.text  # the seal's ring of characters
        assert "—" not in passage.text and "一2一" not in passage.text


def test_a_scan_is_marked_as_read_by_ocr_in_its_metadata_and_citations(read: dict[str, Document]) -> None:
    document = read[SCAN]
    assert document.meta.ocr_pages == (1, 2) and document.meta.unread_pages == ()
    assert all(p.citation.endswith(OCR_MARK) for p in document.passages)
    assert read[SCAN].passages[0].citation == f"《{document.title}》第四章 第十六条{OCR_MARK}"


def test_a_phone_photo_of_a_plan_page_reads_as_its_items(read: dict[str, Document]) -> None:
    photo = read[PHOTO]
    assert photo.format == "image" and photo.meta.ocr_pages == (1,)
    assert [p.citation.split("》")[1] for p in photo.passages][-3:] == [
        f"第{n}项{OCR_MARK}" for n in (1, 2, 3)
    ]
    assert "有主题、有主讲、有讨论、有收获" in squeeze(photo.text)


def test_a_pdf_of_text_and_scanned_pages_is_read_page_by_page(read: dict[str, Document]) -> None:
    mixed = read[MIXED]
    assert mixed.meta.ocr_pages == (2,)
    by_page = {p.heading_path[-1]: p for p in mixed.passages}
    assert by_page["第十六条"].page == 1 and not by_page["第十六条"].citation.endswith(OCR_MARK)
    assert by_page["第二十二条"].page == 2 and by_page["第二十二条"].citation.endswith(OCR_MARK)


def test_an_ofd_of_scanned_pages_reads_like_the_scanned_pdf(read: dict[str, Document]) -> None:
    ofd, pdf = read[SCAN_OFD], read[SCAN]
    assert ofd.format == "ofd" and ofd.meta.ocr_pages == (1, 2)
    assert list(articles(ofd)) == list(articles(pdf))
    assert all(p.citation.endswith(OCR_MARK) for p in ofd.passages)


def test_a_scanned_red_header_notice_keeps_its_layout_without_the_red_ink(read: dict[str, Document]) -> None:
    from tests.make_notice import ATTACHMENTS, BANNER, COPIED_TO, NUMBER, TITLE

    notice = read[NOTICE]
    assert notice.meta.ocr_pages == (1, 2, 3, 4)
    assert (notice.meta.title, notice.meta.doc_number, notice.meta.written) == (TITLE, NUMBER, "2023-03-01")
    passages = "\n".join(p.text for p in notice.passages)
    assert BANNER not in passages and COPIED_TO not in passages and "印发" not in passages
    cited = {p.citation.removesuffix(OCR_MARK).split("》")[1].split(" ")[0] for p in notice.passages}
    assert {label for label, _, _ in ATTACHMENTS} <= cited


# Questions a member asks of the chapter, one on each of its articles.
QUESTIONS = (
    "主题党日多久开展一次",
    "组织生活会每年至少召开几次",
    "民主评议党员的程序",
    "党组织负责人要经常同党员谈心谈话吗",
    "党员每年集中学习培训不少于多少学时",
    "怎样开展专题学习教育",
    "党员示范岗和党员责任区",
    "对年老体弱行动不便的党员怎么开展教育管理",
)


def test_a_scanned_regulation_is_found_by_the_same_questions_as_its_text_version(
    tmp_path: Path, scans: dict[str, Path], regulations_dir: Path, model_path: Path
) -> None:
    from index.knowledge_base import KnowledgeBase

    text_version = tmp_path / "第四章.txt"
    text_version.write_text(f"{RUNNING_HEADER}\n{chapter(regulations_dir)}\n", encoding="utf-8")
    found: dict[str, list[str]] = {}
    for name, path in (("scan", scans[SCAN]), ("text", text_version)):
        kb = KnowledgeBase(tmp_path / name, model_path)
        (result,) = kb.ingest([path])
        assert result.status == "ingested", result
        live = kb.searcher()
        assert live is not None
        found[name] = [live.search(question, top_k=1)[0].passage.heading_path[-1] for question in QUESTIONS]
        if name == "scan":
            assert result.notes == ("第1、2页为扫描件，经OCR识别，引用前请核对原件",)
    assert found["scan"] == found["text"]
    assert found["text"][:3] == ["第十六条", "第十七条", "第十八条"]


def test_ocr_downloads_nothing(scans: dict[str, Path]) -> None:
    """Read in a process with no network at all: the models ship inside the wheel."""
    if os.geteuid() != 0:
        pytest.skip("unshare -n needs root")
    script = (
        "from pathlib import Path; from ingest.loader import load_document; "
        f"print(len(load_document(Path({str(scans[PHOTO])!r})).passages))"
    )
    out = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) >= 3
