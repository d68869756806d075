"""Fitting the linear models of index.fitted with scikit-learn's and SciPy's optimisers.

Ranking is fitted listwise: per question, a softmax over all its candidates, the loss the negative
log of the probability it gives the right ones, every question weighing the same; so the weights
are spent on what puts a right passage first, the one figure a member sees. Quote choice is fitted
pairwise (a right candidate against each wrong one of the same question), so a weight means "prefer
candidates with more of this" whatever a question's score level; abstention is fitted pointwise,
answerable against not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from index.fitted.linear import LinearModel

C = 1.0  # inverse L2 strength of the pairwise and pointwise fits; the features are standardised first
# The listwise ranker's: one penalty for the whole fit, spread over the questions (a few hundred, each
# with some 200 candidates). 0.03 to 1 gave the same cross-validated figures within their spread.
LISTWISE_C = 0.1
# The abstention's cut weighs a wrongly refused question as much as this many unanswerable ones
# answered. The tolerances promised (issue 11: 5 % of questions refused, 10 % of unanswerable ones
# answered) put it at 2; at 2 the refusals of the out-of-domain questions fell to the edge of theirs
# (bench/RESULTS.md); at 1.5 a fifth to a quarter fewer members' questions are wrongly refused, for
# fewer than one out-of-domain refusal in a hundred.
REFUSAL_COST = 1.5
MAX_NEGATIVES = 60  # wrong candidates per question paired with each right one (a random sample beyond)


def _matrix(values: Mapping[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    return np.column_stack([np.asarray(values[n], dtype=np.float64) for n in names])


def _labelled(
    groups: Sequence[tuple[Mapping[str, np.ndarray], np.ndarray]], names: Sequence[str]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each question's feature matrix and right-candidate mask, for the questions with something to
    prefer (some candidates right, some wrong)."""
    matrices = []
    for values, labels in groups:
        labels = np.asarray(labels, dtype=bool)
        if labels.any() and not labels.all():
            matrices.append((_matrix(values, names), labels))
    return matrices


def fit_listwise(
    groups: Sequence[tuple[Mapping[str, np.ndarray], np.ndarray]], names: Sequence[str], note: str
) -> LinearModel:
    """`groups`: per question, the candidates' features and which candidates are right. Minimises the
    mean over questions of −log Σ_right softmax(x·w), plus |w|² / (2 · LISTWISE_C · questions), on
    standardised features (L-BFGS)."""
    from scipy.optimize import minimize

    matrices = _labelled(groups, names)
    scale = np.vstack([x for x, _ in matrices]).std(axis=0)
    scale[scale == 0] = 1.0
    matrices = [(x / scale, y) for x, y in matrices]
    n = len(matrices)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for x, right in matrices:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            held = p[right].sum()
            total -= np.log(held)
            grad += p @ x - (p[right] / held) @ x[right]  # E_p[x] − E_p[x | right]
        penalty = 1.0 / (LISTWISE_C * n)
        return total / n + 0.5 * penalty * float(w @ w), grad / n + penalty * w

    fitted = minimize(loss, np.zeros(len(names)), jac=True, method="L-BFGS-B")
    if not fitted.success:  # weights short of the optimum would ship silently
        raise RuntimeError(f"listwise ranker fit did not converge: {fitted.message}")
    coef = fitted.x / scale
    return LinearModel(tuple(names), tuple(float(c) for c in coef), 0.0, 0.0, note)


def fit_pairwise(
    groups: Sequence[tuple[Mapping[str, np.ndarray], np.ndarray]], names: Sequence[str], note: str
) -> LinearModel:
    """`groups` as for `fit_listwise`; fitted against a random sample of each question's wrong
    candidates (a quote's few dozen sentences)."""
    rng = np.random.default_rng(0)
    pairs = [(x[y], _sample(x[~y], MAX_NEGATIVES, rng)) for x, y in _labelled(groups, names)]
    coef = _fit_pairs(pairs, len(groups))
    return LinearModel(tuple(names), tuple(float(c) for c in coef), 0.0, 0.0, note)


def _sample(rows: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    return rows[rng.choice(len(rows), n, replace=False)] if len(rows) > n else rows


def _fit_pairs(pairs: Sequence[tuple[np.ndarray, np.ndarray]], n_groups: int) -> np.ndarray:
    """Logistic regression on right-minus-wrong differences, every question weighing the same."""
    from sklearn.linear_model import LogisticRegression

    diffs, weights = [], []
    for right, wrong in pairs:
        d = (right[:, None, :] - wrong[None, :, :]).reshape(-1, right.shape[1])
        diffs.append(d)
        weights.append(np.full(len(d), 1.0 / len(d)))
    d, w = np.vstack(diffs), np.concatenate(weights)
    scale = d.std(axis=0)
    scale[scale == 0] = 1.0
    x = np.vstack([d / scale, -d / scale])
    y = np.concatenate([np.ones(len(d)), np.zeros(len(d))])
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=2000)
    model.fit(x, y, sample_weight=np.concatenate([w, w]) * n_groups)
    return model.coef_[0] / scale


def fit_decision(
    rows: Sequence[Mapping[str, float]], labels: Sequence[bool], names: Sequence[str], note: str
) -> LinearModel:
    """A yes/no decision (answer or abstain): balanced logistic regression, its threshold at the score
    that costs the training rows least (`_threshold`)."""
    from sklearn.linear_model import LogisticRegression

    x = _matrix({n: np.array([r[n] for r in rows]) for n in names}, names)
    y = np.asarray(labels, dtype=bool)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    coef = model.coef_[0] / scale
    bias = float(model.intercept_[0] - (coef * mean).sum())
    scores = x @ coef + bias
    return LinearModel(tuple(names), tuple(float(c) for c in coef), bias, _threshold(scores, y), note)


def _threshold(scores: np.ndarray, yes: np.ndarray) -> float:
    """The cut with the least cost, REFUSAL_COST times the share of yes rows below it plus the share
    of no rows at or above it, midway between the two scores it falls between."""
    values = np.unique(scores)
    cuts = np.concatenate([[values[0] - 1.0], (values[:-1] + values[1:]) / 2, [values[-1] + 1.0]])
    best, least = 0.0, np.inf
    for cut in cuts:
        cost = REFUSAL_COST * (scores[yes] < cut).mean() + (scores[~yes] >= cut).mean()
        if cost < least:
            best, least = float(cut), cost
    return best
