"""Segmentation of policy texts: properties that hold for every document we ship.

The corpus is the five regulations beside the repo plus the demo work plan. Most
tests state a property and check it over all six documents; the small synthetic
texts at the end pin down how the outline decides what is a heading.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from index.analysis.units import WINDOW_CHARS, dense_units, sentence_spans, sentence_units
from ingest.clean import clean_text
from ingest.metadata import detect_metadata
from ingest.model import Document, Passage, Section, SourceText
from ingest.outline import UNIT_KINDS, heading_line, iter_sections
from ingest.pipeline import build_document, read_text
from ingest.sentences import split_sentences

MAX_CHARS = 600
PLAN_TITLE = "2022年市商务局党的建设工作要点"

# 条 counts from shared/corpus/regulations/SOURCES.md; the plan has none.
ARTICLES = {
    "中国共产党章程": 55,
    "中国共产党纪律处分条例": 142,
    "中国共产党党员教育管理工作条例": 46,
    "中国共产党党和国家机关基层组织工作条例": 43,
    "中国共产党发展党员工作细则": 44,
    PLAN_TITLE: 0,
}

# title: (doc_type, issuer, revision_year), as the texts state them.
METADATA = {
    "中国共产党章程": ("章程", "中国共产党第二十次全国代表大会", 2022),
    "中国共产党纪律处分条例": ("条例", "", 2018),
    "中国共产党党员教育管理工作条例": ("条例", "", None),
    "中国共产党党和国家机关基层组织工作条例": ("条例", "中共中央", 2019),
    "中国共产党发展党员工作细则": ("细则", "中共中央办公厅", 2026),
    PLAN_TITLE: ("工作要点", "", None),
}


@pytest.fixture(scope="module")
def sources(regulation_paths: list[Path], plan_path: Path) -> list[Path]:
    return [*regulation_paths, plan_path]


@pytest.fixture(scope="module")
def documents(sources: list[Path]) -> list[Document]:
    return [build_document(SourceText(read_text(path), "txt"), path.name) for path in sources]


@pytest.fixture(scope="module")
def plan(documents: list[Document]) -> Document:
    return next(doc for doc in documents if doc.title == PLAN_TITLE)


def sections(doc: Document, kind: str | None = None) -> list[Section]:
    return [section for section in iter_sections(doc.outline) if kind is None or section.kind == kind]


def without_whitespace(text: str) -> str:
    return re.sub(r"\s", "", text)


def ordered_and_disjoint(spans: list[tuple[int, int]]) -> bool:
    return all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


# --- every document ------------------------------------------------------------------


def test_corpus_is_the_six_expected_documents(documents: list[Document]) -> None:
    assert sorted(doc.title for doc in documents) == sorted(ARTICLES)


def test_article_count_matches_sources_and_articles_run_in_sequence(documents: list[Document]) -> None:
    for doc in documents:
        numbers = [int(section.key.rsplit(".a", 1)[1]) for section in sections(doc, "article")]
        assert numbers == list(range(1, ARTICLES[doc.title] + 1)), doc.title


def test_metadata_reads_title_type_issuer_and_revision_year(documents: list[Document]) -> None:
    for doc in documents:
        assert (doc.meta.doc_type, doc.meta.issuer, doc.meta.revision_year) == METADATA[doc.title]
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) for date in doc.meta.dates)


def test_every_passage_is_an_exact_slice_of_at_most_600_chars(documents: list[Document]) -> None:
    for doc in documents:
        for passage in doc.passages:
            assert passage.text == doc.text[passage.start : passage.end], passage.id
            assert 0 < len(passage.text) <= MAX_CHARS, passage.id
            assert passage.text == passage.text.strip(), passage.id


def test_passages_are_in_text_order(documents: list[Document]) -> None:
    for doc in documents:
        assert [p.ordinal for p in doc.passages] == list(range(len(doc.passages)))
        assert ordered_and_disjoint([(p.start, p.end) for p in doc.passages]), doc.title


def test_no_passage_crosses_an_article_or_section_boundary(documents: list[Document]) -> None:
    for doc in documents:
        by_key = {section.key: section for section in sections(doc)}
        unit_starts = [section.start for section in sections(doc) if section.kind in UNIT_KINDS]
        passage_starts = {passage.start for passage in doc.passages}
        for passage in doc.passages:
            home = by_key[passage.section_key]
            assert home.start <= passage.start and passage.end <= home.end, passage.id
            assert not any(passage.start < start < passage.end for start in unit_starts), passage.id
        assert set(unit_starts) <= passage_starts, doc.title  # every article opens a passage


def test_passages_headings_and_metadata_lines_reproduce_the_text(sources: list[Path]) -> None:
    """Nothing lost, nothing twice: each non-blank character is in exactly one piece."""
    for path in sources:
        doc = build_document(SourceText(read_text(path), "txt"), path.name)
        _, meta_lines = detect_metadata(doc.text, path.stem)
        headings = [span for section in sections(doc) if (span := heading_line(section, doc.text))]
        pieces = sorted([*meta_lines, *headings, *((p.start, p.end) for p in doc.passages)])
        assert ordered_and_disjoint(pieces), doc.title
        bounded = [(0, 0), *pieces, (len(doc.text), len(doc.text))]
        assert all(not doc.text[a[1] : b[0]].strip() for a, b in itertools.pairwise(bounded)), doc.title
        rebuilt = "".join(doc.text[start:end] for start, end in pieces)
        assert without_whitespace(rebuilt) == without_whitespace(doc.text), doc.title


def test_ids_are_unique_and_stable_across_builds(sources: list[Path]) -> None:
    for path in sources:
        first, second = (build_document(SourceText(read_text(path), "txt"), path.name) for _ in range(2))
        assert first.id == first.text_hash[:12]  # what the document says decides its ID, not its title
        assert [(p.id, p.start, p.end, p.citation) for p in first.passages] == [
            (p.id, p.start, p.end, p.citation) for p in second.passages
        ]
        ids = [p.id for p in first.passages]
        assert len(set(ids)) == len(ids), first.title
        assert all(p.id.startswith(f"{first.id}-") and p.document_id == first.id for p in first.passages)


def test_sections_list_the_passages_that_lie_directly_in_them(documents: list[Document]) -> None:
    for doc in documents:
        listed = {pid: section.key for section in sections(doc) for pid in section.passage_ids}
        assert listed == {passage.id: passage.section_key for passage in doc.passages}, doc.title


def test_long_units_are_split_into_numbered_parts_of_one_identity(documents: list[Document]) -> None:
    for doc in documents:
        units = {s.key: s for s in sections(doc) if s.kind in UNIT_KINDS}
        for key, unit in units.items():
            parts = [p for p in doc.passages if p.section_key == key]
            if unit.end - unit.start <= MAX_CHARS:
                assert [p.part for p in parts] == [None], key
                assert parts[0].id == f"{doc.id}-{key}" and not parts[0].citation.endswith(")"), key
                continue
            n = len(parts)
            assert n > 1 and [p.part for p in parts] == [(k, n) for k in range(1, n + 1)], key
            for k, part in enumerate(parts, start=1):
                assert part.id == f"{doc.id}-{key}-p{k}", key
                assert part.citation == f"{parts[0].citation.rsplit(' (', 1)[0]} ({k}/{n})", key
                assert part.heading_path == parts[0].heading_path, key


def test_citations_name_the_title_and_the_numbered_headings(documents: list[Document]) -> None:
    """《标题》第二编 第六章 第五十条: every enclosing 编/章/节 label, then the article."""
    for doc in documents:
        for article in sections(doc, "article"):
            path = [s for s in sections(doc) if s.start <= article.start < s.end]
            labels = [s.label for s in path if s.kind in ("part", "chapter", "section", "article")]
            for passage in (p for p in doc.passages if p.section_key == article.key):
                suffix = f" ({passage.part[0]}/{passage.part[1]})" if passage.part else ""
                assert passage.citation == f"《{doc.title}》{' '.join(labels)}{suffix}"
                assert passage.heading_path == tuple(s.heading for s in path)


def test_sentence_spans_cover_every_passage(documents: list[Document]) -> None:
    for doc in documents:
        for passage in doc.passages:
            spans = split_sentences(passage.text)
            assert ordered_and_disjoint(spans), passage.id
            assert all(start < end for start, end in spans), passage.id
            rebuilt = "".join(passage.text[start:end] for start, end in spans)
            assert without_whitespace(rebuilt) == without_whitespace(passage.text), passage.id


def test_articles_are_embedded_sentence_by_sentence_and_two_sentences_at_a_time(
    documents: list[Document],
) -> None:
    """Every sentence is a unit; within an article, so are two adjacent sentences together (「在特殊情况下，
    …可以提前或延期举行」 with the sentence naming what may be put off); elsewhere (the plan's items, a
    page's paragraphs) sentences stand alone. The search tells sentences from windows by their spans."""
    windows = 0
    for doc in documents:
        articles = {s.key for s in sections(doc, "article")}
        units = dense_units(doc)
        row = {p.id: i for i, p in enumerate(doc.passages)}
        assert all(text == doc.passages[row[u.passage_id]].text[u.start : u.end] for u, text in units)
        located = [(row[u.passage_id], u.start, u.end) for u, _ in units]
        sentences = {(row[p.id], *span) for p in doc.passages for span in sentence_spans(p.text)}
        kept = sentence_units(located)
        assert {unit for unit, sentence in zip(located, kept, strict=True) if sentence} == sentences
        for (r, start, end), sentence in zip(located, kept, strict=True):
            if sentence:
                continue
            windows += 1
            passage = doc.passages[r]
            spans = sentence_spans(passage.text)
            assert passage.section_key in articles and end - start <= WINDOW_CHARS
            assert any((a, d) == (start, end) for (a, _), (_, d) in itertools.pairwise(spans))
    assert windows > 500


def test_clean_text_is_idempotent_on_every_source(sources: list[Path]) -> None:
    for path in sources:
        cleaned = clean_text(read_text(path))
        assert clean_text(cleaned) == cleaned
        assert all(line and line == line.strip() for line in cleaned.split("\n")), path.name


# --- the demo plan and the party constitution ----------------------------------------


def test_plan_has_a_preamble_five_sections_and_sixteen_items_in_them(plan: Document) -> None:
    preamble, *parts = plan.outline
    assert (preamble.kind, preamble.label) == ("preamble", "序言")
    assert [(s.kind, s.label) for s in parts] == [("section", f"{n}、") for n in "一二三四五"]
    items_per_section = [[item.label for item in s.children] for s in parts]
    assert items_per_section == [
        ["1.", "2.", "3."],
        ["4.", "5.", "6."],
        ["7.", "8.", "9.", "10."],
        ["11.", "12.", "13."],
        ["14.", "15.", "16."],
    ]
    assert all(item.kind == "item" and not item.children for s in parts for item in s.children)


def test_plan_passages_cite_section_and_item_number(plan: Document) -> None:
    first, *items = plan.passages
    assert first.id == f"{plan.id}-pre1" and first.citation == f"《{PLAN_TITLE}》序言"
    assert first.text.startswith("2022年市商务局党的建设工作总要求是")
    assert len(items) == 16
    for n, passage in enumerate(items, start=1):
        section, item = passage.heading_path  # "一、突出政治统领，坚持…", "3.严肃党内政治生活"
        assert item.startswith(f"{n}.") and passage.text.startswith(f"{item}。")
        cited_section = section.split("，")[0]  # each heading here has a comma within 10 characters
        assert passage.citation == f"《{PLAN_TITLE}》{cited_section}… 第{n}项"


def test_party_constitution_preamble_is_grouped_under_general_program(documents: list[Document]) -> None:
    charter = next(doc for doc in documents if doc.title == "中国共产党章程")
    general, first_chapter = charter.outline[:2]
    assert (general.key, general.label, first_chapter.label) == ("g1", "总纲", "第一章")
    in_general = [p for p in charter.passages if p.section_key == "g1"]
    assert [p.id for p in in_general] == [f"{charter.id}-g1.p{k}" for k in range(1, len(in_general) + 1)]
    assert all(p.citation == "《中国共产党章程》总纲" and p.heading_path == ("总纲",) for p in in_general)
    paragraphs = charter.text[general.start : general.end].count("\n")  # after the heading line
    assert len(in_general) < paragraphs  # short paragraphs are grouped, not one passage each


# --- how the outline decides: small synthetic texts ----------------------------------


def outline_of(text: str, headings: Sequence[tuple[str, int]] = ()) -> list[Section]:
    source = SourceText(text, "txt", headings=tuple(headings))
    return list(iter_sections(build_document(source, "示例.txt").outline))


def passages_of(text: str) -> tuple[Passage, ...]:
    return build_document(SourceText(text, "txt"), "示例.txt").passages


REGULATION = """示例工作条例
第一章　总则
第一条　为了规范机关党建工作，根据《中国共产党章程》，制定本条例。
第二条　机关基层党组织的基本任务是：
（一）宣传和执行党的路线、方针、政策；
（二）组织党员认真学习党的创新理论；
根据《中国共产党章程》第三条，党员享有下列权利。
第三条规定的情形，按照有关规定处理。
第三条　本条例自发布之日起施行。
"""


def test_cross_reference_at_line_start_is_not_a_heading() -> None:
    articles = [s.label for s in outline_of(REGULATION) if s.kind == "article"]
    assert articles == ["第一条", "第二条", "第三条"]
    second = next(p for p in passages_of(REGULATION) if p.heading_path[-1] == "第二条")
    assert second.text.endswith("第三条规定的情形，按照有关规定处理。")


def test_list_items_inside_an_article_stay_with_its_lead_in() -> None:
    assert [s.kind for s in outline_of(REGULATION)] == ["chapter", "article", "article", "article"]
    second = next(p for p in passages_of(REGULATION) if p.heading_path[-1] == "第二条")
    assert second.text.startswith("第二条　机关基层党组织的基本任务是：\n（一）")


def test_out_of_sequence_article_marker_is_text() -> None:
    text = """第一条　党员必须履行义务。
第二条　党员享有权利。
第一条　所列义务，不得放弃。
第三条　本规定自发布之日起施行。
"""
    assert [s.label for s in outline_of(text) if s.kind == "article"] == ["第一条", "第二条", "第三条"]


def test_work_plan_numbering_becomes_sections_and_items() -> None:
    text = """一、加强政治建设
（一）提高政治能力
1.深入学习党的创新理论。坚持第一议题制度。
2.严肃党内政治生活。认真落实“三会一课”制度。
（二）落实主体责任
3.压实党建责任。党组书记履行第一责任人职责。
二、加强作风建设
4.持续优化机关作风。严格落实中央八项规定精神。
5.强化党风廉政教育。坚持以案为鉴、以案示警。
"""
    outline = outline_of(text)
    assert [(s.key, s.kind) for s in outline] == [
        ("i1", "section"),
        ("i1.k1", "section"),
        ("i1.k1.n1", "item"),
        ("i1.k1.n2", "item"),
        ("i1.k2", "section"),
        ("i1.k2.n3", "item"),
        ("i2", "section"),
        ("i2.n4", "item"),
        ("i2.n5", "item"),
    ]
    assert outline[2].heading == "1.深入学习党的创新理论"


def test_plan_whose_top_numbering_reads_like_text_has_items_at_the_top() -> None:
    text = """为做好今年工作，提出如下意见。
一、坚定理想信念。要把学习贯彻党的创新理论作为首要政治任务。
二、严明政治纪律。要严格遵守党章和党内法规。
"""
    keys_and_kinds = [(s.key, s.kind) for s in outline_of(text)]
    assert keys_and_kinds == [("pre", "preamble"), ("i1", "item"), ("i2", "item")]


def test_unnumbered_paragraphs_are_grouped_and_long_ones_split_at_sentence_ends() -> None:
    sentence = "党的建设必须坚持以党的政治建设为统领，全面推进各项建设。"  # 28 characters
    paragraphs = [sentence * 5] * 3 + [sentence * 30]
    text = "\n".join(["总　纲", *paragraphs, "第一章　党员", "第一条　党员必须履行义务。"])
    general = [p for p in passages_of(text) if p.section_key == "g1"]
    assert all(len(p.text) <= MAX_CHARS and p.text.endswith("。") for p in general)
    assert len(general[0].text.split("\n")) == 3  # three 140-char paragraphs grouped into one passage
    assert len(general) == 1 + 2  # the 840-char paragraph in two balanced parts


MARKED_PLAN = """示例工作方案
第一部分　总体要求
一、指导思想
坚持党建引领，推动机关党建和业务工作深度融合。
二、工作目标
全年建成一批过硬党支部。
第二部分　重点任务
一、加强理论武装
1.开展专题学习。每月组织一次集中学习。
2.开展专题研讨。每季度组织一次交流研讨。
二、加强作风建设
1.开展作风整治。聚焦突出问题开展专项整治。
"""


def test_marked_unnumbered_headings_nest_by_level_around_numbered_ones() -> None:
    """第X部分 has no numbering family: its mark, one level above the marked 一、, puts it outside them."""
    marks = [("示例工作方案", 1), ("第一部分　总体要求", 2), ("一、指导思想", 3), ("二、工作目标", 3)]
    marks += [("第二部分　重点任务", 2), ("一、加强理论武装", 3), ("二、加强作风建设", 3)]
    assert [(s.key, s.kind) for s in outline_of(MARKED_PLAN, marks)] == [
        ("g1", "chapter"),
        ("g1.i1", "section"),
        ("g1.i2", "section"),
        ("g2", "chapter"),
        ("g2.i1", "section"),  # 一、 starts again under a new part
        ("g2.i1.n1", "item"),
        ("g2.i1.n2", "item"),
        ("g2.i2", "section"),
        ("g2.i2.n1", "item"),
    ]
    # Unmarked, 第X部分 is no numbering family; the numbering that starts again at 一、 after it
    # makes the line above a new article of the text, with its own outline.
    assert [s.key for s in outline_of(MARKED_PLAN)] == [
        "pre", "i1", "i2", "t2", "t2.i1", "t2.i1.n1", "t2.i1.n2", "t2.i2", "t2.i2.n1"
    ]  # fmt: skip


def test_a_marked_line_without_a_number_in_sequence_is_a_heading_unless_too_long_for_one() -> None:
    long_line = (  # 57 characters: longer than any heading
        "党费由各党支部组织委员具体负责收缴，按月收缴、及时上交，"
        "收缴情况每季度在党支部内公布一次，主动接受全体党员的监督。"
    )
    text = "\n".join(["示例通知", "1.概述", "本通知说明党费收缴安排。", long_line, "其他事项", "按月收缴。"])
    marks = [("示例通知", 1), ("1.概述", 2), (long_line, 2), ("其他事项", 2)]
    doc = build_document(SourceText(text, "txt", headings=tuple(marks)), "示例.txt")
    # 1. alone is no numbering (a family needs two lines), but the line is still a heading
    assert [(s.key, s.heading) for s in iter_sections(doc.outline)] == [("g1", "1.概述"), ("g2", "其他事项")]
    assert doc.passages[0].text.endswith(long_line)  # a paragraph styled as a heading by mistake stays text


def test_a_marked_heading_that_reads_as_the_title_opens_no_section() -> None:
    """Here the 发文字号 above it keeps the first line from being the title, so the file name gives it."""
    text = "发文字号：X机党〔2023〕5号\n示例通知\n为做好年度工作，现通知如下。\n工作要求\n按时报送。"
    marks = (("# 示例通知", 1), ("## 工作要求", 2))
    doc = build_document(SourceText(text, "md", headings=marks), "示例通知.md")
    assert doc.title == "示例通知"
    assert [(s.key, s.heading) for s in doc.outline] == [("pre", "序言"), ("g1", "工作要求")]
    assert [p.citation for p in doc.passages] == ["《示例通知》序言", "《示例通知》工作要求"]


def test_split_sentences_keeps_closing_quotes_and_splits_lines() -> None:
    text = "他强调：“要加强学习。”然后散会。\n（一）坚持标准；（二）严格程序"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "他强调：“要加强学习。”",
        "然后散会。",
        "（一）坚持标准；",
        "（二）严格程序",
    ]


def test_clean_text_normalises_without_touching_chinese_punctuation() -> None:
    raw = "\r\n".join(
        [
            "\ufeff# 示例条例  ",
            "",
            "",
            "## 第一章　总则",
            "**第１２条　ＡＢＣ单位，应当（依法）：“学习”；** ",
            "\u3000正文。",
        ]
    )
    assert clean_text(raw).split("\n") == [
        "示例条例",
        "第一章　总则",
        "第12条　ABC单位，应当（依法）：“学习”；",
        "正文。",
    ]


def test_issuing_line_and_title_annotation_are_metadata() -> None:
    meta, lines = detect_metadata("示例条例（2018年修订）\n第一条　为了规范工作，制定本条例。", "示例")
    assert (meta.title, meta.doc_type, meta.revision_year, len(lines)) == ("示例条例", "条例", 2018, 1)
    issuing_line = "（2014年5月28日中共中央办公厅发布　2026年4月2日中共中央政治局会议修订）"
    meta, lines = detect_metadata(f"示例细则\n{issuing_line}\n第一章　总则", "示例")
    assert (meta.issuer, meta.dates, meta.revision_year, len(lines)) == (
        "中共中央办公厅",
        ("2014-05-28", "2026-04-02"),
        2026,
        2,
    )


def test_read_text_accepts_utf8_bom_and_gb18030_and_names_bad_files(tmp_path: Path) -> None:
    text = "第一条　党员必须履行义务。"
    (tmp_path / "bom.txt").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "empty.txt").write_bytes(" \n".encode("utf-8-sig"))
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00\x81")
    assert read_text(tmp_path / "bom.txt") == text
    assert read_text(tmp_path / "gb.txt") == text
    for name in ("empty.txt", "binary.txt"):
        with pytest.raises(ValueError, match=re.escape(name)):
            read_text(tmp_path / name)
