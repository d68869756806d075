"""Whether a quiz item (perhaps edited by its writer) still stands on its source."""

from __future__ import annotations

from index.quiz.model import QuizItem
from index.retrieval.search import Searcher


def problem(live: Searcher, item: QuizItem) -> str:
    """What is wrong with the item's source, in words for its writer; "" when it is sound."""
    source = item.source
    row = live.row(source.passage_id)
    if row is None:
        return f"题目 {item.id} 的出处段落不在知识库中：{source.passage_id}"
    text = live.passages[row].text
    if not (0 <= source.start <= source.end <= len(text)) or text[source.start : source.end] != source.quote:
        return f"题目 {item.id} 的引文与原文不符（{source.citation}）"
    answer = item.answer
    if item.kind in ("cloze", "choice") and (
        not isinstance(answer, str) or not answer or answer not in source.quote
    ):
        return f"题目 {item.id} 的答案不在引文中"
    if item.kind == "choice" and (len(item.options) != 4 or answer not in item.options):
        return f"题目 {item.id} 应有四个选项，其中之一是答案"
    if item.kind == "judge" and not isinstance(item.answer, bool):
        return f"题目 {item.id} 是判断题，答案应为 true 或 false"
    return ""
