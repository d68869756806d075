"""Retrieval quality and search modes, on the real model and the real documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from index.analysis.enumerations import enumerations
from index.analysis.intent import Want
from index.analysis.question_parts import question_parts
from index.analysis.tokenize import key_terms, synonyms
from index.evaluation.metrics import load_questions

# Acceptance thresholds on ../shared/eval/dev30.jsonl (hybrid mode).
R1, R5, MRR = 0.85, 0.97, 0.90


@pytest.fixture(scope="module")
def reports(any_library, dev_questions_path):
    searcher = any_library.searcher()
    from index.evaluation.metrics import evaluate

    questions = load_questions(dev_questions_path)
    return {
        mode: evaluate(questions, lambda q, m=mode: [h.passage.text for h in searcher.search(q, mode=m)])
        for mode in ("lexical", "dense", "hybrid")
    }


def test_hybrid_search_meets_the_dev_set_targets(reports):
    hybrid = reports["hybrid"]
    assert hybrid.recall[1] >= R1, hybrid.misses
    assert hybrid.recall[5] >= R5, hybrid.misses
    assert hybrid.mrr >= MRR, hybrid.misses


def test_hybrid_beats_each_retriever_alone(reports):
    assert reports["hybrid"].mrr > reports["lexical"].mrr
    assert reports["hybrid"].mrr > reports["dense"].mrr


def test_eval_command_reports_retrieval_answers_and_refusals_per_kind(library, dev_questions_path, capsys):
    args = ["--data", str(library.data_dir), "--model", str(library.model_path)]
    unanswerable = Path(__file__).parent / "data" / "out_of_domain.txt"
    assert main([*args, "eval", str(dev_questions_path), "--unanswerable", str(unanswerable), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["all"]["n"] == 30 and {"member", "study", "quiz"} <= report.keys()
    assert report["all"]["R@1"] >= R1 and report["all"]["R@5"] >= R5 and report["all"]["MRR@10"] >= MRR
    assert report["all"]["answer_verbatim"] is True
    assert report["refused:out_of_domain.txt"]["n"] >= 15


def test_phrase_mode_matches_exact_text_ignoring_spaces_and_width(any_library):
    searcher = any_library.searcher()
    hits = searcher.search("有主题、 有主讲", mode="phrase")
    assert hits and all("有主题、有主讲" in h.passage.text for h in hits)
    for hit in hits:
        (start, end), *_ = hit.highlights
        assert hit.passage.text[start:end] == "有主题、有主讲"
    assert searcher.search("主题党日有主题无收获", mode="phrase") == []


def test_document_and_type_filters_restrict_results(any_library):
    searcher = any_library.searcher()
    rows = {json.loads(r["meta"])["title"]: r["id"] for r in searcher.store.document_rows()}
    charter = rows["中国共产党章程"]
    hits = searcher.search("党员的义务", documents=[charter])
    assert hits and {h.passage.document_id for h in hits} == {charter}
    hits = searcher.search("党员的义务", doc_types=["条例"])
    assert hits and {h.doc_type for h in hits} == {"条例"}


def test_a_quiz_fragment_finds_its_slogan(any_library):
    hits = any_library.searcher().search("守信念 讲奉献", top_k=3)
    assert any("守信念" in h.passage.text and "讲奉献" in h.passage.text for h in hits)


def test_the_charter_is_found_by_its_short_name(any_library):
    hits = any_library.searcher().search("党章里关于党徽的规定", top_k=3)
    assert hits[0].document_title == "中国共产党章程"


def test_a_word_split_into_characters_the_corpus_knows_still_counts_as_unknown(library):
    searcher = library.searcher()
    leave = searcher.parse("公司年假怎么休", dense=False)  # 年假 → 年 假, each known to the corpus
    theme_day = searcher.parse("主题党日要包括哪些内容？", dense=False)
    assert leave.known_pairs < 0.3 < leave.known
    assert theme_day.known_pairs > 0.7


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("党的三大法宝是哪三个", 3),
        ("澳门一国两制成功实践的四点经验", 4),
        ("党的纪律处分有哪五种", 5),
        ("一个人同时犯了好几种违纪错误怎么定处分", None),  # 一个人 counts nothing
        ("迎接二十大都搞哪些活动", None),  # the 十大 of 二十大 is no count
        ("三大主力红军是在哪儿会师的", None),  # asks where: the count names the topic
        ("发展对象再过两个月就调走了，还能办接收预备党员吗", None),  # a period, and a rule asked
    ],
)
def test_a_count_asked_in_any_measure_word_asks_for_a_list_of_that_size(library, question, count):
    query = library.searcher().parse(question, dense=False)
    assert query.count == count
    assert query.want is Want.LIST or count is None


def test_a_counted_thing_named_under_its_count_answers_only_where_its_items_are_listed(library):
    query = library.searcher().parse("党的三大法宝是哪三个", dense=False)
    assert query.names_count("统一战线，武装斗争，党的建设，是中国共产党在中国革命中战胜敌人的三个法宝。")
    assert query.names_count("党的三大法宝：统一战线、武装斗争、党的建设。")
    assert not query.names_count("要用好党的三大法宝。")  # a passing mention does not say which they are
    assert not query.names_count("统一战线，武装斗争，党的建设，是中国共产党的四个法宝。")  # another count


def test_a_list_whose_last_item_is_joined_by_and_is_counted_whole(any_library):
    hits = any_library.searcher().search("三会一课是哪三个会", top_k=1)
    assert "党员大会、党小组会和上党课" in hits[0].passage.text
    assert (3, "党") in enumerations("党员应当按期参加党员大会、党小组会和上党课")


def test_parallel_clauses_joined_by_semicolons_are_an_enumeration():
    assert (4, "始") in enumerations(
        "可以获得四点重要经验：始终坚定“一国两制”制度自信；始终强化“一国两制”使命担当；"
        "始终筑牢“一国两制”社会政治基础；始终维护“一国两制”和谐稳定。"
    )


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "领导给人办事，家属收了人家的钱，领导要受处分吗",
            ("领导给人办事", "家属收了人家的钱", "领导要受处分吗"),
        ),
        ("读原著 悟原理 学原文", ("读原著", "悟原理", "学原文")),
        ("三中全会决定一共多少条、多少项改革举措", ()),  # one part asking two numbers
        ("主题党日要包括哪些内容？", ()),
        ("这事归谁管，呢", ()),  # a particle after a comma is no part
    ],
)
def test_a_question_asked_in_several_parts_is_read_part_by_part(question, parts):
    assert question_parts(question) == parts


def test_each_part_of_a_question_is_searched_on_its_own(any_library):
    searcher = any_library.searcher()
    several = searcher.parse("党员受了处分，还能继续当党代表吗")
    assert len(several.parts) == 2
    signal = searcher.candidates(several).features["parts"]
    assert signal.max() <= 0 and signal.min() < signal.max()  # how far each passage is from the nearest
    one = searcher.parse("党员受了处分还能继续当党代表吗")
    assert one.parts == () and not searcher.candidates(one).features["parts"].any()


def test_several_of_something_asks_for_no_number(library):
    query = library.searcher().parse("一个人同时犯了好几种违纪错误怎么定处分", dense=False)
    assert query.want is not Want.QUANTITY and query.units == ()


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("违纪以后跑到国外去了怎么处理", Want.PENALTY),
        ("提前把干部考察的消息透露出去会怎样", Want.PENALTY),
        ("在微信群里传播政治谣言会给什么处分", Want.PENALTY),
        ("本该给警告处分的，能不能只批评教育不给处分", Want.RULE),  # whether one may, not what befalls
        ("党员受了两个处分还能当代表吗", Want.RULE),  # a count in a rule question asks for no list
    ],
)
def test_a_question_on_what_befalls_a_member_wants_the_penalty(library, question, wanted):
    assert library.searcher().parse(question, dense=False).want is wanted


def test_every_colloquial_form_in_the_synonym_table_is_a_key_word_of_a_question_using_it():
    # The dense search's bridged question reads its wordings off the key words (Query.words).
    assert all(key_terms(f"{colloquial}怎么办") == [colloquial] for colloquial in synonyms())
