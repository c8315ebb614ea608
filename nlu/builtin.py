"""The builtin engine: embedded, no server, no download at run time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np

from nlu import boilerplate
from nlu.api import CategoryScore, FaqMatch, Parse
from nlu.entities import extract
from nlu.faq import FaqIndex
from nlu.labels import CATEGORIES, INTENT_CATEGORY, category_of
from nlu.language import UNKNOWN
from nlu.model import TrainedModel, clip
from nlu.normalize import has_letters, skeleton
from nlu.urgency import MODEL_SIGNAL, MODEL_THRESHOLD, Lexicon

LONG_TEXT, TAIL_CHARS, TAIL_WEIGHT = 400, 250, 0.3
# An FAQ match this strong stands whatever the classifier thinks of the message.
FAQ_ANY_CATEGORY = 0.75
# Messages without a word: emoji reactions are thanks, anything else is unclear.
_THANKS_SYMBOLS = set("👍🙏❤️♥👌💙💛🤝😊☺🥰✅")


class BuiltinEngine:
    def __init__(
        self, model: TrainedModel, lexicon: Lexicon | None = None, faq: FaqIndex | None = None
    ) -> None:
        self.model = model
        self.lexicon = lexicon or Lexicon.load()
        self.faq = faq

    def with_faq(self, faq: FaqIndex | None) -> BuiltinEngine:
        return BuiltinEngine(self.model, self.lexicon, faq)

    def parse(
        self,
        text: str,
        *,
        lang_hint: str | None = None,
        context: Sequence[str] = (),
        now: datetime | None = None,
    ) -> Parse:
        parse = self._classify(text, lang_hint, context)
        # Entities of the whole request: a city named in the first message still counts.
        found = extract(" \n ".join([*context, text]), now)
        return replace(parse, city=found.city, dates=found.dates, children=found.children)

    def _classify(self, text: str, lang_hint: str | None, context: Sequence[str]) -> Parse:
        whole = clip(" \n ".join([*context, text]))
        language, _ = self.model.language.identify(whole, lang_hint)
        shape = skeleton(whole)
        signals = self.lexicon.match(shape)
        if not has_letters(whole) or not shape.strip("0123456789+ "):
            return self._wordless(text, whole, language, signals)

        intent_p, urgent_p = self._predict(whole, shape)
        category_p = intent_p @ self.model.category_matrix
        best_category = int(np.argmax(category_p))
        if CATEGORIES[best_category] == "other":
            # A long "hello everyone, thanks in advance" frame can outvote the need
            # inside it: look again without the frame, and keep the need if there is one.
            focus = boilerplate.strip(shape)
            if focus is not None:
                focus_p, _ = self.model.predict(focus, prepared=focus)
                focus_category_p = focus_p @ self.model.category_matrix
                focus_best = int(np.argmax(focus_category_p))
                if CATEGORIES[focus_best] != "other" and focus_category_p[focus_best] >= 0.5:
                    intent_p, category_p = focus_p, focus_category_p
                    best_category = int(np.argmax(category_p))
        category = CATEGORIES[best_category]
        in_category = [
            (p, name)
            for p, name in zip(intent_p, self.model.intent_names, strict=True)
            if INTENT_CATEGORY[name] == category
        ]
        subcategory = max(in_category)[1]
        if urgent_p >= MODEL_THRESHOLD:
            signals.append(MODEL_SIGNAL)
        order = np.argsort(-category_p)
        intent_order = np.argsort(-intent_p)[:5]
        return Parse(
            text=text,
            language=language,
            category=category,
            subcategory=subcategory,
            confidence=float(category_p[best_category]),
            ranking=tuple(CategoryScore(CATEGORIES[i], float(category_p[i])) for i in order),
            urgent=bool(signals),
            urgent_signals=tuple(signals),
            faq=self._faq(shape, category),
            intent_ranking=tuple(
                (self.model.intent_names[i], float(intent_p[i])) for i in intent_order
            ),
        )

    def _predict(self, text: str, shape: str) -> tuple[np.ndarray, float]:
        intent_p, urgent_p = self.model.predict(text, prepared=shape)
        if len(text) > LONG_TEXT:
            # In a long story the request usually comes last: let the end speak up.
            tail_p, tail_urgent = self.model.predict(text[-TAIL_CHARS:])
            intent_p = (1 - TAIL_WEIGHT) * intent_p + TAIL_WEIGHT * tail_p
            urgent_p = max(urgent_p, tail_urgent)
        return intent_p, urgent_p

    def _faq(self, shape: str, category: str) -> FaqMatch | None:
        if self.faq is None or category == "other":
            return None
        match = self.faq.match_prepared(shape)
        if match is None or match.score >= FAQ_ANY_CATEGORY:
            return match
        # A weaker match counts only when the entry is about the kind of help
        # the message is about: "I need a consultation" is not the legal-aid entry.
        subcategory = self.faq.subcategory_of(match.id)
        return match if subcategory is None or category_of(subcategory) == category else None

    def _wordless(self, text: str, whole: str, language: str, signals: list[str]) -> Parse:
        symbols = {c for c in whole if not c.isspace()}
        intent = (
            "other_thanks"
            if symbols and symbols <= _THANKS_SYMBOLS | {"\ufe0f"}
            else ("other_offtopic")
        )
        ranking = (
            CategoryScore("other", 1.0),
            *(CategoryScore(c, 0.0) for c in CATEGORIES if c != "other"),
        )
        return Parse(
            text=text,
            language=language if language != UNKNOWN else UNKNOWN,
            category="other",
            subcategory=intent,
            confidence=1.0,
            ranking=ranking,
            urgent=bool(signals),
            urgent_signals=tuple(signals),
        )
