"""Combining the retrievers' evidence into one hybrid score.

Lexical and dense scores live on different scales, so each is min-max normalised over its
own top candidates; two bounded signals are added as they are: the share of the query's key
words a passage holds (coverage), and whether it holds an enumeration of the size a question
asks for (enumeration). The weights were chosen on ../shared/eval/dev.jsonl with
bench/retrieval.py; the optimum is flat around them (lexical/dense 0.4-0.6, coverage 0.2-0.3,
enumeration 0.5-0.8 score within 0.01 MRR@10 of each other).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CANDIDATES = 100  # normalise each retriever over its own top candidates


@dataclass(frozen=True, slots=True)
class Weights:
    lexical: float = 0.5
    dense: float = 0.5
    coverage: float = 0.2
    enumeration: float = 0.6


def normalise(scores: np.ndarray, top: int = CANDIDATES) -> np.ndarray:
    """Map the best score to 1 and the top-th best to 0; everything below clips to 0."""
    if not len(scores):
        return scores
    ranked = np.sort(scores)[::-1][:top]
    low, high = float(ranked[-1]), float(ranked[0])
    if high <= low:
        return (scores >= high).astype(np.float32) if high > 0 else np.zeros_like(scores)
    return np.clip((scores - low) / (high - low), 0.0, 1.0)


def fuse(
    lexical: np.ndarray,
    dense: np.ndarray,
    coverage: np.ndarray,
    enumeration: np.ndarray,
    weights: Weights = Weights(),
) -> np.ndarray:
    return (
        weights.lexical * normalise(lexical)
        + weights.dense * normalise(dense)
        + weights.coverage * coverage
        + weights.enumeration * enumeration
    )
