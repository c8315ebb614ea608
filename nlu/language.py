"""Which of uk, ru, pl, en a message is written in — in either script.

Letters decide where they can: і ї є ґ are only Ukrainian, ы э ъ ё only Russian,
and Cyrillic text is never Polish or English (even full of Polish office words).
Otherwise a character n-gram model trained on our own messages decides; it
knows transliterated Ukrainian and Russian, which generic detectors miss. The
Telegram client's language is a prior that wins when the text says little.
"""

from __future__ import annotations

import re

from nlu.labels import LANGUAGES
from nlu.linear import CompiledLinear, softmax
from nlu.normalize import script_counts

UNKNOWN = "unknown"
_UK_ONLY = re.compile(r"[іїєґ]")
_RU_ONLY = re.compile(r"[ыэъё]")
# How much the client's language counts against the text (a multiplier on odds):
# a lot for a word or two ("ok", "800+"), a little for a sentence.
HINT_WEIGHT = 4.0
SHORT_HINT_WEIGHT = 50.0
SHORT_TEXT_LETTERS = 12
# With this many Cyrillic letters, і/ї/є/ґ without ы/э/ъ/ё (or the reverse) decide.
DECISIVE_LETTERS = 8


class LanguageIdentifier:
    def __init__(self, model: CompiledLinear) -> None:
        self.model = model
        self.classes = model.classes["language"]

    def probabilities(self, text: str, hint: str | None = None) -> dict[str, float]:
        """P(language | text); empty when the text has no letters and there is no hint."""
        cyrillic, latin = script_counts(text)
        if cyrillic == 0 and latin == 0:
            if hint in LANGUAGES:
                return {lang: float(lang == hint) for lang in LANGUAGES}
            return {}
        lowered = text.casefold()
        uk_letters, ru_letters = bool(_UK_ONLY.search(lowered)), bool(_RU_ONLY.search(lowered))
        if cyrillic > latin and uk_letters != ru_letters and cyrillic >= DECISIVE_LETTERS:
            # The alphabet settles it; no need to run the model.
            return {lang: float(lang == ("uk" if uk_letters else "ru")) for lang in LANGUAGES}
        raw = softmax(self.model.raw_scores(text))
        scores = {lang: float(p) for lang, p in zip(self.classes, raw, strict=True)}
        if cyrillic > latin:
            scores["pl"] = scores["en"] = 0.0
            if uk_letters and not ru_letters:
                scores["ru"] *= 0.05
            elif ru_letters and not uk_letters:
                scores["uk"] *= 0.05
        if hint in scores:
            short = cyrillic + latin <= SHORT_TEXT_LETTERS
            scores[hint] *= SHORT_HINT_WEIGHT if short else HINT_WEIGHT
        total = sum(scores.values()) or 1.0
        return {lang: scores.get(lang, 0.0) / total for lang in LANGUAGES}

    def identify(self, text: str, hint: str | None = None) -> tuple[str, float]:
        probabilities = self.probabilities(text, hint)
        if not probabilities:
            return UNKNOWN, 0.0
        best = max(probabilities, key=probabilities.__getitem__)
        return best, probabilities[best]
