"""A linear model over named features: the form of every decision fitted on the dev questions.

Ranking passages, choosing the answering sentence and deciding to abstain are each a weighted sum
of named signals, fitted by bench/fit.py (scikit-learn's logistic regression, cross-validated) and
stored as JSON: feature names, weights, bias and a decision threshold. Named features keep a file
readable and fail loudly when code and file disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float = 0.0
    threshold: float = 0.0  # a decision is yes when the score reaches it (abstention's "answer")
    fitted_on: str = ""  # what it was fitted on, for the reader of the file

    def score(self, values: Mapping[str, np.ndarray | float]) -> np.ndarray:
        """Score of each row; `values` maps every feature name to a column (or one value)."""
        missing = set(self.features) - set(values)
        if missing:
            raise KeyError(f"model needs features {sorted(missing)}")
        columns = [np.asarray(values[name], dtype=np.float64) for name in self.features]
        total = np.full(np.broadcast_shapes(*(c.shape for c in columns)), self.bias, dtype=np.float64)
        for weight, column in zip(self.weights, columns, strict=True):
            total = total + weight * column
        return total

    def over(self, features: tuple[str, ...]) -> LinearModel:
        """The same model over `features`: a feature it lacks weighs 0, one not listed is dropped."""
        weight = dict(zip(self.features, self.weights, strict=True))
        return LinearModel(
            features, tuple(weight.get(f, 0.0) for f in features), self.bias, self.threshold, self.fitted_on
        )

    def to_json(self) -> str:
        data = {
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 6),
            "fitted_on": self.fitted_on,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LinearModel:
        data = json.loads(text)
        return cls(
            tuple(data["features"]),
            tuple(float(w) for w in data["weights"]),
            float(data.get("bias", 0.0)),
            float(data.get("threshold", 0.0)),
            data.get("fitted_on", ""),
        )


def model_path(name: str) -> Path:
    return Path(str(resources.files("index.fitted") / f"{name}.json"))


@cache
def shipped(name: str) -> LinearModel:
    """The fitted model shipped with the package (ranker, quotes, abstain)."""
    return LinearModel.from_json(model_path(name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Models:
    """The three fitted decisions of an answer: which passages first, which sentence, whether to answer."""

    ranker: LinearModel
    quotes: LinearModel
    abstain: LinearModel

    @classmethod
    def shipped(cls) -> Models:
        return cls(shipped("ranker"), shipped("quotes"), shipped("abstain"))
