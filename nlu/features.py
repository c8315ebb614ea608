"""TF-IDF features without scikit-learn at run time.

Training fits scikit-learn's TfidfVectorizer; `TfidfSpace.from_sklearn` copies
what it learnt (vocabulary, idf) into plain Python and numpy, so that loading a
model and classifying a message never imports scikit-learn (it alone costs most
of a second of start-up). `char_wb_ngrams` is the same analyser as scikit-learn's
``analyzer="char_wb"``; a test checks the two agree.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from nlu.normalize import basic, skeleton

WORD_CACHE_SIZE = 100_000  # words; a few tens of MB at most
PREPROCESSORS: dict[str, Callable[[str], str]] = {"skeleton": skeleton, "basic": basic}


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with one space."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            if n >= length:  # a short word counts once, whole
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


class TfidfSpace:
    """Vocabulary and idf of char_wb n-grams; vectors are sublinear-tf, l2-normed."""

    def __init__(
        self,
        preprocessor: str,
        ngram_range: tuple[int, int],
        vocabulary: dict[str, int],
        idf: np.ndarray,
    ) -> None:
        self.preprocessor = preprocessor
        self.ngram_range = ngram_range
        self.vocabulary = vocabulary
        self.idf = idf
        self._preprocess = PREPROCESSORS[preprocessor]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_preprocess", "_word_ids")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._preprocess = PREPROCESSORS[self.preprocessor]

    @classmethod
    def from_sklearn(cls, vectorizer: Any, preprocessor: str) -> TfidfSpace:
        if (
            vectorizer.analyzer != "char_wb"
            or not vectorizer.sublinear_tf
            or vectorizer.norm != "l2"
        ):
            raise ValueError("expected a char_wb, sublinear_tf, l2-normed TfidfVectorizer")
        vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        return cls(preprocessor, tuple(vectorizer.ngram_range), vocabulary, idf)

    @classmethod
    def fit(
        cls, texts: Iterable[str], preprocessor: str, ngram_range: tuple[int, int]
    ) -> TfidfSpace:
        """Fit on ``texts`` with smoothed idf, as scikit-learn does by default."""
        preprocess = PREPROCESSORS[preprocessor]
        frequency: Counter[str] = Counter()
        documents = 0
        for text in texts:
            documents += 1
            frequency.update(set(char_wb_ngrams(preprocess(text), *ngram_range)))
        vocabulary = {gram: i for i, gram in enumerate(sorted(frequency))}
        idf = np.array([math.log((1 + documents) / (1 + frequency[g])) + 1.0 for g in vocabulary])
        return cls(preprocessor, ngram_range, vocabulary, idf)

    def prepare(self, text: str) -> str:
        """The text as this space sees it (its preprocessor applied)."""
        return self._preprocess(text)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, l2-normalised weights) of ``text``; empty when nothing is known."""
        return self.vector_prepared(self._preprocess(text))

    def vector_prepared(self, prepared: str) -> tuple[np.ndarray, np.ndarray]:
        """Like `vector`, for text already passed through `prepare` (saves doing it twice)."""
        # The hot loop of every message. Words repeat a lot ("я", "nie", "the"), so each
        # word's feature ids are cached; map() over dict.get runs in C.
        found: list[int] = []
        cache: dict[str, list[int]] = self.__dict__.setdefault("_word_ids", {})
        for word in prepared.split():
            ids = cache.get(word)
            if ids is None:
                grams = char_wb_ngrams(word, *self.ngram_range)
                ids = [i for i in map(self.vocabulary.get, grams) if i is not None]
                if len(cache) < WORD_CACHE_SIZE:
                    cache[word] = ids
            found.extend(ids)
        if not found:
            return np.empty(0, dtype=np.int64), np.empty(0)
        indices, counts = np.unique(np.asarray(found, dtype=np.int64), return_counts=True)
        values = (np.log(counts) + 1.0) * self.idf[indices]
        values /= np.sqrt(values @ values)
        return indices, values
