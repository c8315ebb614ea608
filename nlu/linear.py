"""Linear heads over a TF-IDF space, applied with plain arrays.

Training uses scikit-learn's LogisticRegression; its coefficients are copied
here so that classifying a message is one gather and one dot product, without
scikit-learn's per-call input validation (which costs more than the arithmetic).
A test checks the result equals scikit-learn's own `predict_proba`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nlu.features import TfidfSpace


class CompiledLinear:
    """One TF-IDF space and several heads (name -> slice of the output)."""

    def __init__(self, space: TfidfSpace, heads: dict[str, Any]) -> None:
        columns, biases = [], []
        self.slices: dict[str, slice] = {}
        self.classes: dict[str, tuple[str, ...]] = {}
        start = 0
        for name, head in heads.items():
            coef = np.asarray(head.coef_, dtype=np.float64)
            columns.append(coef.T)
            biases.append(np.asarray(head.intercept_, dtype=np.float64))
            self.slices[name] = slice(start, start + coef.shape[0])
            self.classes[name] = tuple(str(c) for c in head.classes_)
            start += coef.shape[0]
        self.space = space
        # One row per feature: a message's rows are gathered with one take().
        self.weights = np.ascontiguousarray(np.hstack(columns))
        self.bias = np.concatenate(biases)

    def raw_scores(self, text: str, *, prepared: str | None = None) -> np.ndarray:
        """Decision values of all heads, concatenated (see ``slices``).

        ``prepared``: the text already passed through ``space.prepare``.
        """
        indices, values = self.space.vector_prepared(
            prepared if prepared is not None else self.space.prepare(text)
        )
        if indices.size == 0:
            return self.bias.copy()
        return values @ self.weights[indices] + self.bias  # type: ignore[no-any-return]


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max())
    return shifted / shifted.sum()  # type: ignore[no-any-return]


def sigmoid(score: float) -> float:
    return float(1.0 / (1.0 + np.exp(-score)))
