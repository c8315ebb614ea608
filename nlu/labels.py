"""The one table from intents (= subcategories) to categories.

The Rasa domain (nlu/domain.yml) lists the same intents; a test keeps them equal.
"""

from __future__ import annotations

from types import MappingProxyType

CATEGORIES: tuple[str, ...] = ("legal", "psychological", "social", "other")

_INTENTS: dict[str, str] = {
    "legal_residence": "legal",
    "legal_protection": "legal",
    "legal_work": "legal",
    "legal_detention": "legal",
    "legal_family": "legal",
    "legal_discrimination": "legal",
    "legal_other": "legal",
    "psychological_crisis": "psychological",
    "psychological_trauma": "psychological",
    "psychological_grief": "psychological",
    "psychological_children": "psychological",
    "psychological_other": "psychological",
    "social_housing": "social",
    "social_benefits": "social",
    "social_job_search": "social",
    "social_health": "social",
    "social_education": "social",
    "social_language_courses": "social",
    "social_material_aid": "social",
    "social_other": "social",
    "other_greeting": "other",
    "other_thanks": "other",
    "other_offtopic": "other",
}

INTENT_CATEGORY = MappingProxyType(_INTENTS)
INTENTS: tuple[str, ...] = tuple(_INTENTS)
LANGUAGES: tuple[str, ...] = ("uk", "ru", "pl", "en")


def category_of(intent: str) -> str:
    """The category of an intent; unknown intents (e.g. from a Rasa server) are 'other'."""
    return _INTENTS.get(intent, "other")
