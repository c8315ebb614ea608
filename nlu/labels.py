"""The labels the NLU speaks: categories, intents (= subcategories) and languages.

They are the domain's own lists (bot/domain.py), named as the NLU names them. The Rasa
domain (nlu/domain.yml) lists the same intents; a test keeps them equal.
"""

from __future__ import annotations

from bot.domain import CATEGORIES, LANGUAGES, SUBCATEGORIES, SUBCATEGORY_CATEGORY

__all__ = ["CATEGORIES", "INTENTS", "INTENT_CATEGORY", "LANGUAGES", "category_of"]

INTENT_CATEGORY = SUBCATEGORY_CATEGORY
INTENTS: tuple[str, ...] = SUBCATEGORIES


def category_of(intent: str) -> str:
    """The category of an intent; unknown intents (e.g. from a Rasa server) are 'other'."""
    return SUBCATEGORY_CATEGORY.get(intent, "other")
