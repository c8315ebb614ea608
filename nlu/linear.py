"""Fast inference for the trained TF-IDF + logistic-regression models.

Training uses scikit-learn. For one message at a time, scikit-learn's input
validation costs more than the arithmetic, so the trained vocabulary, idf
weights and coefficients are copied into plain arrays here and applied directly.
A test checks that the result equals scikit-learn's own `predict_proba`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


class CompiledLinear:
    """TF-IDF features (sublinear tf, l2 norm) and one or more linear heads."""

    def __init__(self, vectorizer: TfidfVectorizer, heads: dict[str, LogisticRegression]) -> None:
        if not vectorizer.sublinear_tf or vectorizer.norm != "l2":
            raise ValueError("compiled inference assumes sublinear_tf=True and norm='l2'")
        self.analyzer: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = {
            str(k): int(v) for k, v in vectorizer.vocabulary_.items()
        }
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        columns, biases, self.slices = [], [], {}
        start = 0
        for name, head in heads.items():
            coef = np.asarray(head.coef_, dtype=np.float64)
            columns.append(coef.T)
            biases.append(np.asarray(head.intercept_, dtype=np.float64))
            self.slices[name] = slice(start, start + coef.shape[0])
            start += coef.shape[0]
        # Row per feature: gathering the rows of a message's features is one take().
        self.weights = np.ascontiguousarray(np.hstack(columns))
        self.bias = np.concatenate(biases)

    def raw_scores(self, text: str) -> np.ndarray:
        """Decision values of all heads, concatenated (see ``slices``)."""
        counts = Counter(self.analyzer(text))
        indices, tf = [], []
        for gram, count in counts.items():
            index = self.vocabulary.get(gram)
            if index is not None:
                indices.append(index)
                tf.append(count)
        if not indices:
            return self.bias.copy()
        index_array = np.asarray(indices)
        values = (np.log(np.asarray(tf, dtype=np.float64)) + 1.0) * self.idf[index_array]
        values /= np.sqrt(values @ values)
        return values @ self.weights[index_array] + self.bias  # type: ignore[no-any-return]


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max())
    return shifted / shifted.sum()  # type: ignore[no-any-return]


def sigmoid(score: float) -> float:
    return float(1.0 / (1.0 + np.exp(-score)))
