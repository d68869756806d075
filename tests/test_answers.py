"""Answers as a member reads them: verbatim quotes, each cited, and an honest 「no basis」 otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from index.answers.answer import NO_BASIS, answer
from index.evaluation.metrics import load_questions, satisfies

# Acceptance thresholds on ../shared/eval/dev30.jsonl and tests/data/out_of_domain.txt.
FIRST_QUOTE = 0.85  # share of dev questions whose first quote satisfies the gold
WRONGFUL_ABSTENTION = 0.05  # share of dev questions refused at most
OUT_OF_DOMAIN_ABSTENTION = 0.90  # share of out-of-domain questions refused at least

OUT_OF_DOMAIN = Path(__file__).parent / "data" / "out_of_domain.txt"
PLAN_TITLE = "2022年市商务局党的建设工作要点"
EDUCATION_TITLE = "中国共产党党员教育管理工作条例"


@pytest.fixture(scope="module")
def dev_answers(any_library, dev_questions_path):
    searcher = any_library.searcher()
    return [(q, answer(searcher, q.query)) for q in load_questions(dev_questions_path)]


def test_the_first_quote_answers_the_dev_questions(dev_answers):
    misses = [
        (q.id, q.query, a.text[:60])
        for q, a in dev_answers
        if not (a.citations and satisfies(a.citations[0].quote, q.gold))
    ]
    assert 1 - len(misses) / len(dev_answers) >= FIRST_QUOTE, misses


def test_dev_questions_are_rarely_refused(dev_answers):
    refused = [q.query for q, a in dev_answers if not a.answered]
    assert len(refused) / len(dev_answers) <= WRONGFUL_ABSTENTION, refused


def test_questions_the_corpus_does_not_cover_are_refused(any_library):
    searcher = any_library.searcher()
    questions = [q.query for q in load_questions(OUT_OF_DOMAIN)]
    assert len(questions) >= 15
    answers = [answer(searcher, q) for q in questions]
    answered = [(a.question, a.text[:60]) for a in answers if a.answered]
    assert 1 - len(answered) / len(answers) >= OUT_OF_DOMAIN_ABSTENTION, answered
    for refused in (a for a in answers if not a.answered):
        assert refused.text == NO_BASIS
        assert refused.citations == ()
        assert refused.hits  # the nearest passages, for reference


def test_every_quote_is_verbatim_and_its_passage_resolves(dev_answers, client):
    fetched: dict[str, str] = {}
    for _, a in dev_answers:
        assert a.text == "\n".join(f"「{c.quote}」[{c.n}]" for c in a.citations) or not a.answered
        assert [c.n for c in a.citations] == list(range(1, len(a.citations) + 1))
        for c in a.citations:
            assert c.quote and c.quote == c.passage.text[c.start : c.end]
            if c.passage.id not in fetched:
                response = client.get(f"/passages/{c.passage.id}")
                assert response.status_code == 200
                fetched[c.passage.id] = response.json()["text"]
            assert fetched[c.passage.id][c.start : c.end] == c.quote


def test_theme_party_day_is_answered_from_the_plan_and_the_regulation(any_library):
    a = answer(any_library.searcher(), "主题党日要包括哪些内容？")
    quotes = {c.document_title: c.quote for c in a.citations}
    assert "有主题、有主讲、有讨论、有收获" in quotes.get(PLAN_TITLE, ""), a.text
    regulation = quotes.get(EDUCATION_TITLE, "")
    assert "组织党员集中学习、过组织生活、进行民主议事和开展志愿服务" in regulation, a.text


def test_a_list_is_quoted_whole_with_its_lead_in(any_library):
    first = answer(any_library.searcher(), "党员转正要走哪些手续").citations[0]
    assert first.quote.startswith("预备党员转正的手续是：")
    assert first.quote.endswith("报上级党委审批。")
    assert first.passage.citation.endswith("第三十二条")  # the article number lives in the citation


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("入党积极分子多久考察一次", "每半年"),  # how often: the sentence with the period
        ("预备党员的预备期是多长", "预备期为一年"),
        ("党员搞婚外情会受什么处分", "给予警告或者严重警告处分"),  # what befalls one: the penalty
        ("给黑社会当保护伞的党员怎么处分", "给予撤销党内职务或者留党察看处分"),
        pytest.param(
            "党员可以不交党费吗",
            "按期交纳党费",
            marks=pytest.mark.xfail(reason="fitted quote model (issue 11) prefers another 党费 sentence"),
        ),  # may one: the rule
    ],
)
def test_the_question_word_picks_the_sentence(any_library, question, expected):
    a = answer(any_library.searcher(), question)
    assert a.answered and expected in a.citations[0].quote, a.text


def test_a_members_word_finds_the_article_in_the_regulations_words(any_library):
    # 绿卡 is 永久居留资格 to the regulations: the synonym table knows it, e5-small does not. Whether
    # the answer is given is the fitted decision's (on core it falls just short); what it reads is this.
    searcher = any_library.searcher()
    question = "党员私自办了绿卡会怎么样"
    assert "永久居留资格" in searcher.search(question, top_k=1)[0].passage.text
    a = answer(searcher, question)
    assert "永久居留资格" in a.hits[0].passage.text
    assert not a.answered or "永久居留资格" in a.citations[0].quote, a.text


def test_a_word_the_regulations_name_otherwise_does_not_make_an_everyday_question_answerable(any_library):
    # 护照 is the regulations' 因私出国（境）证件, but no document says how to get one.
    a = answer(any_library.searcher(), "出国护照怎么办理")
    assert not a.answered, a.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("受了撤职处分几年内不能再当同级别的干部", "二年内"),
        ("受了党纪处分不服，最晚得在多少天之内提申诉？", None),  # the rules state months, not days
        ("我每月到手八千来块，党费按百分之几交？", None),  # no percentage stated anywhere
        ("支委换届选举，候选人差额比例至少要多少？", None),  # 比例…多少 asks for a share; none is stated
    ],
)
def test_a_number_asked_in_one_unit_is_answered_in_that_unit_or_not_at_all(any_library, question, expected):
    a = answer(any_library.searcher(), question)
    if expected is None:
        assert not a.answered, a.text
    else:
        assert a.answered and expected in a.citations[0].quote, a.text


def test_ask_over_http(client):
    body = client.post("/ask", json={"question": "党组能不能审批预备党员"}).json()
    assert body["answered"] is True
    assert body["took_ms"] > 0
    first = body["citations"][0]
    assert set(first) == {
        "n",
        "passage_id",
        "document_id",
        "document_title",
        "citation",
        "quote",
        "start",
        "end",
    }
    assert "党组不能审批预备党员" in first["quote"]
    assert f"「{first['quote']}」[1]" in body["answer"]
    assert first["citation"].startswith(f"《{first['document_title']}》")
    passage = client.get(f"/passages/{first['passage_id']}").json()
    assert passage["text"][first["start"] : first["end"]] == first["quote"]
    assert body["passages"] and {"passage_id", "text", "citation", "score"} <= set(body["passages"][0])


def test_ask_over_http_says_so_when_there_is_no_basis(client):
    body = client.post("/ask", json={"question": "红烧肉怎么做才好吃", "top_k": 3}).json()
    assert body["answered"] is False
    assert body["answer"] == NO_BASIS
    assert body["citations"] == []
    assert 0 < len(body["passages"]) <= 3


def test_ask_over_http_answers_from_the_documents_asked_for(client):
    charter = next(d["id"] for d in client.get("/documents").json() if d["title"] == "中国共产党章程")
    body = client.post("/ask", json={"question": "党员有哪些权利", "documents": [charter]}).json()
    assert body["answered"] is True
    assert {c["document_title"] for c in body["citations"]} == {"中国共产党章程"}


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"question": ""}, 422, "invalid_request"),
        ({"question": "   "}, 422, "invalid_request"),
        ({"question": "党费" * 251}, 422, "invalid_request"),
        ({"question": "党费", "top_k": 0}, 422, "invalid_request"),
        ({"question": "党费", "documents": ["no-such-document"]}, 404, "not_found"),
    ],
)
def test_ask_over_http_rejects_bad_requests(client, payload, status, code):
    response = client.post("/ask", json=payload)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_ask_command(library, capsys):
    args = ["--data", str(library.data_dir), "--model", str(library.model_path), "ask"]
    assert main([*args, "党员档案由谁保存", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["answered"] is True
    assert any("由所在党委" in c["quote"] for c in body["citations"])

    assert main([*args, "党员档案由谁保存"]) == 0
    out = capsys.readouterr().out
    assert "[1] " in out and "由所在党委" in out and "《" in out

    assert main([*args, "公积金可以提取吗"]) == 0
    assert NO_BASIS in capsys.readouterr().out


def test_on_the_demo_plan_alone_the_theme_day_answer_is_its_four_haves(tmp_path, model_path, backend):
    """A list the topic is merely one item of (…专题党课、主题党日等) does not say what the topic holds."""
    from index.knowledge_base import KnowledgeBase
    from tests.conftest import PLAN

    kb = KnowledgeBase(tmp_path / "data", model_path)
    kb.ingest([PLAN])
    result = answer(kb.searcher(), "主题党日要包括哪些内容？")
    assert result.answered
    assert "有主题、有主讲、有讨论、有收获" in result.citations[0].quote
