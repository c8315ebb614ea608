"""Which of uk, ru, pl, en a message is written in — in either script.

Letters decide where they can: і ї є ґ are only Ukrainian, ы э ъ ё only Russian,
and Cyrillic text is never Polish or English (even full of Polish office words).
Otherwise a character n-gram model trained on our own messages decides; it
knows transliterated Ukrainian and Russian, which generic detectors miss. The
Telegram client's language is a prior that wins when the text says little.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.labels import LANGUAGES
from nlu.linear import CompiledLinear, softmax
from nlu.normalize import basic, script_counts

UNKNOWN = "unknown"
_UK_ONLY = re.compile(r"[іїєґ]")
_RU_ONLY = re.compile(r"[ыэъё]")
_POLISH_ONLY = re.compile(r"[ąćęłńśźż]")
# How much the client's language counts against the text (a multiplier on odds).
HINT_WEIGHT = 4.0


class LanguageIdentifier:
    def __init__(self, C: float = 10.0) -> None:
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), preprocessor=basic, sublinear_tf=True, min_df=2
        )
        self.model = LogisticRegression(C=C, max_iter=3000)

    def fit(self, texts: Sequence[str], languages: Sequence[str]) -> LanguageIdentifier:
        self.model.fit(self.vectorizer.fit_transform(texts), languages)
        return self

    def __getstate__(self) -> dict[str, object]:
        return {"vectorizer": self.vectorizer, "model": self.model}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    @property
    def compiled(self) -> CompiledLinear:
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self.__dict__["_compiled"] = CompiledLinear(
                self.vectorizer, {"language": self.model}
            )
        return compiled

    def probabilities(self, text: str, hint: str | None = None) -> dict[str, float]:
        """P(language | text), zero for languages the letters rule out."""
        cyrillic, latin = script_counts(text)
        if cyrillic == 0 and latin == 0:
            if hint in LANGUAGES:
                return {lang: float(lang == hint) for lang in LANGUAGES}
            return {}
        raw = softmax(self.compiled.raw_scores(text))
        scores = {str(k): float(v) for k, v in zip(self.model.classes_, raw, strict=True)}
        lowered = text.casefold()
        if cyrillic > latin:
            scores["pl"] = scores["en"] = 0.0
            uk_letters, ru_letters = bool(_UK_ONLY.search(lowered)), bool(_RU_ONLY.search(lowered))
            if uk_letters and not ru_letters:
                scores["ru"] *= 0.05
            elif ru_letters and not uk_letters:
                scores["uk"] *= 0.05
        elif _POLISH_ONLY.search(lowered):
            scores["en"] *= 0.1
        if hint in scores:
            scores[hint] *= HINT_WEIGHT
        total = sum(scores.values()) or 1.0
        return {lang: float(scores.get(lang, 0.0) / total) for lang in LANGUAGES}

    def identify(self, text: str, hint: str | None = None) -> tuple[str, float]:
        probabilities = self.probabilities(text, hint)
        if not probabilities:
            return UNKNOWN, 0.0
        best = max(probabilities, key=probabilities.__getitem__)
        return best, probabilities[best]
