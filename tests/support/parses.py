"""Fixed NLU answers: what the model would have understood, without a model.

For tests that drive the pure flows (bot/flows/) directly: they choose the
understanding and check what the conversation does with it.
"""

from __future__ import annotations

from nlu.api import CategoryScore, FaqMatch, Parse
from nlu.labels import CATEGORIES, category_of


def parse(
    text: str,
    *,
    language: str = "unknown",
    subcategory: str = "other_offtopic",
    confidence: float = 0.9,
    urgent: bool = False,
    urgent_signals: tuple[str, ...] = (),
    faq: str | None = None,
    faq_score: float = 0.9,
) -> Parse:
    """An understanding of ``text``: ``subcategory`` (an intent from nlu/labels.py)
    with ``confidence``, the rest of the ranking sharing what is left."""
    category = category_of(subcategory)
    others = [c for c in CATEGORIES if c != category]
    rest = (1.0 - confidence) / len(others)
    ranking = (
        CategoryScore(category, confidence),
        *(CategoryScore(other, rest) for other in others),
    )
    return Parse(
        text=text,
        language=language,
        category=category,
        subcategory=subcategory,
        confidence=confidence,
        ranking=ranking,
        urgent=urgent,
        urgent_signals=urgent_signals,
        faq=None if faq is None else FaqMatch(faq, faq_score),
    )
