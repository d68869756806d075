"""Fitting the ranking, quote and abstention models on question sets, and k-fold cross-validation of them.

A knowledge base is measured on the questions it can answer (`Bench`) and on questions no document
answers. Cross-validation splits the questions (and the unanswerable ones) into k folds by a hash of
their IDs, fits all three models on k-1 folds of every knowledge base at once, and answers the held
fold through the same `Searcher.search` and `answer` a member's question goes through; the figures of
the held folds are the ones to believe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from index.answers.answer import (
    ABSTAIN_FEATURES,
    QUOTE_FEATURES,
    answer,
    decision_features,
    gather,
    ruled_out,
)
from index.evaluation.fitting import fit_decision, fit_listwise, fit_pairwise
from index.evaluation.metrics import Question, evaluate, satisfies, score_answers
from index.fitted.linear import Models
from index.model import Answer, Hit
from index.retrieval.features import FEATURES, Candidates
from index.retrieval.search import Searcher

ANSWER_DEPTH = 5  # passages an answer reads (answer()'s default)


@dataclass(frozen=True, slots=True)
class Bench:
    name: str  # core, library
    searcher: Searcher
    questions: list[Question]  # the ones this knowledge base answers


def folds(ids: Sequence[str], k: int, seed: int = 0) -> dict[str, int]:
    """Question ID -> fold, stable across runs and machines; another `seed` deals other folds."""
    prefix = f"{seed}:" if seed else ""  # seed 0 keeps the folds every earlier figure was measured on
    order = sorted(ids, key=lambda i: hashlib.sha1((prefix + i).encode()).hexdigest())
    return {qid: n % k for n, qid in enumerate(order)}


def _ranking_group(searcher: Searcher, question: Question) -> tuple[dict[str, np.ndarray], np.ndarray]:
    found: Candidates = searcher.candidates(searcher.parse(question.query))
    labels = np.array([satisfies(searcher.passages[r].text, question.gold) for r in found.rows], dtype=bool)
    return found.features, labels


class Fitter:
    """Fits the three models on any subset of the questions; candidate features are computed once."""

    def __init__(self, benches: Sequence[Bench], unanswerable: Sequence[Question]) -> None:
        self.benches = benches
        self.unanswerable = unanswerable
        self._groups = {(b.name, q.id): _ranking_group(b.searcher, q) for b in benches for q in b.questions}

    def fit(self, keep: set[str], note: str) -> Models:
        """Models fitted on the questions (answerable or not) whose IDs are in `keep`."""
        ranker = fit_listwise(
            [g for (_, qid), g in self._groups.items() if qid in keep], FEATURES, f"ranker: {note}"
        )
        shipped = Models.shipped()  # a stand-in for the models not fitted yet
        draft = Models(ranker, shipped.quotes.over(QUOTE_FEATURES), shipped.abstain.over(ABSTAIN_FEATURES))
        quote_groups, evidence = [], []
        for bench in self.benches:
            for q in bench.questions:
                if q.id in keep:
                    ev = gather(bench.searcher, q.query, ANSWER_DEPTH, None, draft)
                    labels = np.array([satisfies(c.quote, q.gold) for c in ev.shown.quotes], dtype=bool)
                    quote_groups.append((ev.shown.quote_features, labels))
                    evidence.append((ev, True))
            for q in self.unanswerable:
                if q.id in keep:
                    evidence.append((gather(bench.searcher, q.query, ANSWER_DEPTH, None, draft), False))
        quotes = fit_pairwise(quote_groups, QUOTE_FEATURES, f"quotes: {note}")
        rows, labels = [], []
        for ev, answerable in evidence:  # the rows the fitted decision will be asked about
            if not ev.shown.quotes:
                continue
            scores = quotes.score(ev.shown.quote_features)
            if not ruled_out(ev.query, ev.shown.quotes, scores, unknown_regulation=ev.unknown_regulation):
                rows.append(decision_features(ev.query, ev.typed, quotes, lift=ev.lift))
                labels.append(answerable)
        abstain = fit_decision(rows, labels, ABSTAIN_FEATURES, f"abstain: {note}")
        return Models(ranker, quotes, abstain)


@dataclass(slots=True)
class Outcomes:
    """What one knowledge base returned for each question, whichever models produced it."""

    hits: dict[str, list[Hit]]
    answers: dict[str, Answer]


def run(bench: Bench, questions: Sequence[Question], models: Models | None, outcomes: Outcomes) -> None:
    for q in questions:
        if q.gold:
            outcomes.hits[q.id] = bench.searcher.search(q.query, top_k=10, ranker=models and models.ranker)
        outcomes.answers[q.id] = answer(bench.searcher, q.query, top_k=ANSWER_DEPTH, models=models)


def cross_validate(
    benches: Sequence[Bench],
    unanswerable: Sequence[Question],
    k: int = 5,
    seed: int = 0,
    fitter: Fitter | None = None,
    probes: Sequence[Question] = (),
) -> dict[str, Outcomes]:
    """Each knowledge base's held-out outcomes for every question: question i answered by models
    fitted without i's fold. `probes` are never fitted on, only answered (each by one fold's models,
    dealt apart so that the other questions' folds stay as they are)."""
    fitter = fitter or Fitter(benches, unanswerable)
    ids = sorted({q.id for b in benches for q in b.questions} | {q.id for q in unanswerable})
    fold = folds(ids, k, seed) | folds([q.id for q in probes], k, seed)
    outcomes = {b.name: Outcomes({}, {}) for b in benches}
    for held in range(k):
        models = fitter.fit({i for i in ids if fold[i] != held}, f"cross-validation fold {held + 1}/{k}")
        for bench in benches:
            chosen = [q for q in (*bench.questions, *unanswerable, *probes) if fold[q.id] == held]
            run(bench, chosen, models, outcomes[bench.name])
    return outcomes


def shipped_outcomes(benches: Sequence[Bench], unanswerable: Sequence[Question]) -> dict[str, Outcomes]:
    """Outcomes with the models shipped in the package (a training figure where they were fitted here)."""
    outcomes = {b.name: Outcomes({}, {}) for b in benches}
    for bench in benches:
        run(bench, [*bench.questions, *unanswerable], None, outcomes[bench.name])
    return outcomes


def report(
    bench: Bench, unanswerable: Mapping[str, Sequence[Question]], outcomes: Outcomes
) -> dict[str, dict]:
    """Retrieval and answer figures, over all answerable questions and per kind, and the refusals of
    each set of unanswerable questions (by name)."""
    table: dict[str, dict] = {}
    kinds = ["all", *sorted({q.kind for q in bench.questions})]
    for kind in kinds:
        chosen = [q for q in bench.questions if kind == "all" or q.kind == kind]
        texts = {q.query: [h.passage.text for h in outcomes.hits[q.id]] for q in chosen}
        retrieval = evaluate(chosen, texts.__getitem__)
        answers = score_answers(chosen, [outcomes.answers[q.id] for q in chosen])
        row = retrieval.as_dict()
        row.pop("misses")
        table[kind] = {**row, **{f"answer_{key}": value for key, value in answers.as_dict().items()}}
    for name, chosen in unanswerable.items():
        refused = score_answers(chosen, [outcomes.answers[q.id] for q in chosen]).refused
        table[f"refused:{name}"] = {"n": len(chosen), "refused": round(refused, 4)}
    return table
