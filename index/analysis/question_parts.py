"""The parts of a question asked in several: 「领导给人办事，家属收了人家的钱，领导要受处分吗」,
「读原著 悟原理 学原文」.

Each part is embedded on its own, and a passage is read by how near its sentences come to each
(index.retrieval.search `part_scores`), beside how near they come to the question as a whole. The
fitted ranker weighs the two against each other: an article close to one loud part (警告处分 in
「本该给警告处分的，能不能只批评教育不给处分」) but no closer to the whole question is a neighbour of
the topic, not its answer (bench/RESULTS.md).
"""

from __future__ import annotations

import re

_BETWEEN = re.compile(r"[，,；;？?！!\s]+")  # not 、: 多少条、多少项 is one part's list
_SHORTEST = 2  # characters: 吗 or 呢 left after a comma is no part


def question_parts(question: str) -> tuple[str, ...]:
    """The question's parts, or () when it is asked in one."""
    parts = tuple(part for part in _BETWEEN.split(question) if len(part) >= _SHORTEST)
    return parts if len(parts) > 1 else ()
