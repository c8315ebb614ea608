"""Names shared by every layer: categories, subcategories, statuses, languages, cities.

Plain enums and the lists made from them, no behaviour; the flows, services, storage,
console, CLI and NLU all import these. Nowhere else restates them (a test checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Language(StrEnum):
    UK = "uk"
    RU = "ru"
    EN = "en"
    PL = "pl"


LANGUAGES: tuple[str, ...] = tuple(lang.value for lang in Language)


class Category(StrEnum):
    LEGAL = "legal"
    PSYCHOLOGICAL = "psychological"
    SOCIAL = "social"
    OTHER = "other"


CATEGORIES: tuple[str, ...] = tuple(category.value for category in Category)


class HelpKind(StrEnum):
    """What a partner organisation offers: the three kinds of direct help."""

    LEGAL = "legal"
    PSYCHOLOGICAL = "psychological"
    SOCIAL = "social"


HELP_KINDS: tuple[str, ...] = tuple(kind.value for kind in HelpKind)

# The subcategories of each category: the NLU's intents, the subcategory of a case,
# an FAQ entry or a routing rule. nlu/domain.yml (the Rasa project) lists the same
# intents; a test keeps them equal. The "other_*" ones never reach a partner.
_SUBCATEGORIES: dict[Category, tuple[str, ...]] = {
    Category.LEGAL: (
        "legal_residence",
        "legal_protection",
        "legal_work",
        "legal_detention",
        "legal_family",
        "legal_discrimination",
        "legal_other",
    ),
    Category.PSYCHOLOGICAL: (
        "psychological_crisis",
        "psychological_trauma",
        "psychological_grief",
        "psychological_children",
        "psychological_other",
    ),
    Category.SOCIAL: (
        "social_housing",
        "social_benefits",
        "social_job_search",
        "social_health",
        "social_education",
        "social_language_courses",
        "social_material_aid",
        "social_other",
    ),
    Category.OTHER: ("other_greeting", "other_thanks", "other_offtopic"),
}

SUBCATEGORY_CATEGORY: Mapping[str, str] = MappingProxyType(
    {sub: category.value for category, subs in _SUBCATEGORIES.items() for sub in subs}
)
SUBCATEGORIES: tuple[str, ...] = tuple(SUBCATEGORY_CATEGORY)

# Small talk, not a need: kept out of a request's words.
SMALL_TALK: tuple[str, ...] = ("other_greeting", "other_thanks")


class City(StrEnum):
    LUBLIN = "Lublin"
    POZNAN = "Poznań"
    WARSZAWA = "Warszawa"
    WROCLAW = "Wrocław"
    OTHER = "other"
    ONLINE = "online"


# Where a person may ask for help: the four cities, another city, or online.
PLACES: tuple[str, ...] = tuple(city.value for city in City)
# The consortium's own cities, where partners have offices.
CITIES: tuple[str, ...] = tuple(c.value for c in City if c not in (City.OTHER, City.ONLINE))


class CaseStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    CLOSED = "closed"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


OPEN_CASE_STATUSES: tuple[CaseStatus, ...] = (CaseStatus.NEW, CaseStatus.CLAIMED)


class MessageDirection(StrEnum):
    FROM_CLIENT = "from_client"
    TO_CLIENT = "to_client"
    NOTE = "note"
    SYSTEM = "system"


class StaffRole(StrEnum):
    STAFF = "staff"
    LEAD = "lead"
    COORDINATOR = "coordinator"


# Who a coordinator or the CLI may add to a partner's staff list (coordinators are
# console accounts, not staff of one partner).
PARTNER_STAFF_ROLES: tuple[str, ...] = (StaffRole.STAFF.value, StaffRole.LEAD.value)


class ConsoleRole(StrEnum):
    """Web console accounts: coordinators do everything, staff work their own
    organisation's cases, viewers see anonymised insights only."""

    COORDINATOR = "coordinator"
    STAFF = "staff"
    VIEWER = "viewer"


CONSOLE_ROLES: tuple[str, ...] = tuple(role.value for role in ConsoleRole)


class FaqStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class Channel(StrEnum):
    TELEGRAM = "telegram"
    TERMINAL = "terminal"
    WEB = "web"
