"""The Rasa engine: a Rasa server's `POST /model/parse`, mapped onto our labels.

Rasa decides the category; the builtin engine still decides the language, the
FAQ match and — recall first, never left to Rasa alone — urgency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import httpx

from nlu.api import CategoryScore, Parse
from nlu.builtin import BuiltinEngine
from nlu.labels import CATEGORIES, INTENT_CATEGORY, category_of
from nlu.model import clip
from nlu.normalize import has_letters


class RasaUnavailable(Exception):
    """The Rasa server did not answer usefully."""


def map_rasa_response(body: dict[str, Any]) -> tuple[str, str, float, tuple[CategoryScore, ...]]:
    """(category, subcategory, confidence, ranking) from a /model/parse body."""
    ranking = body.get("intent_ranking") or ([body["intent"]] if body.get("intent") else [])
    totals = dict.fromkeys(CATEGORIES, 0.0)
    best_intent: dict[str, tuple[float, str]] = {}
    for item in ranking:
        name, confidence = str(item.get("name") or ""), float(item.get("confidence") or 0.0)
        category = category_of(name)
        totals[category] += confidence
        if name in INTENT_CATEGORY and confidence > best_intent.get(category, (-1.0, ""))[0]:
            best_intent[category] = (confidence, name)
    total = sum(totals.values())
    if total <= 0:
        return "other", "other_offtopic", 0.0, tuple(CategoryScore(c, 0.0) for c in CATEGORIES)
    scores = {c: v / total for c, v in totals.items()}
    order = sorted(CATEGORIES, key=lambda c: -scores[c])
    category = order[0]
    subcategory = best_intent.get(category, (0.0, f"{category}_other"))[1]
    if subcategory not in INTENT_CATEGORY:
        subcategory = "other_offtopic"
    return (
        category,
        subcategory,
        scores[category],
        tuple(CategoryScore(c, scores[c]) for c in order),
    )


class RasaEngine:
    def __init__(self, url: str, builtin: BuiltinEngine, *, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.builtin = builtin
        self.client = httpx.Client(timeout=timeout)

    def parse(
        self,
        text: str,
        *,
        lang_hint: str | None = None,
        context: Sequence[str] = (),
        now: datetime | None = None,
    ) -> Parse:
        local = self.builtin.parse(text, lang_hint=lang_hint, context=context, now=now)
        whole = clip(" \n ".join([*context, text]))
        if not has_letters(whole):
            return local
        try:
            response = self.client.post(self.url, json={"text": whole})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(f"Rasa server at {self.url}: {exc}") from exc
        category, subcategory, confidence, ranking = map_rasa_response(body)
        return replace(
            local,
            category=category,
            subcategory=subcategory,
            confidence=confidence,
            ranking=ranking,
            faq=local.faq if category != "other" else None,
        )

    def close(self) -> None:
        self.client.close()
