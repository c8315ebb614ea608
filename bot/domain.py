"""Names shared by every layer: categories, statuses, languages, cities.

Plain enums, no behaviour; the flows, services and storage all speak these.
"""

from __future__ import annotations

from enum import StrEnum


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


class HelpKind(StrEnum):
    """What a partner organisation offers: the three kinds of direct help."""

    LEGAL = "legal"
    PSYCHOLOGICAL = "psychological"
    SOCIAL = "social"


class City(StrEnum):
    LUBLIN = "Lublin"
    POZNAN = "Poznań"
    WARSZAWA = "Warszawa"
    WROCLAW = "Wrocław"
    OTHER = "other"
    ONLINE = "online"


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


class ConsoleRole(StrEnum):
    """Web console accounts: coordinators do everything, staff work their own
    organisation's cases, viewers see anonymised insights only."""

    COORDINATOR = "coordinator"
    STAFF = "staff"
    VIEWER = "viewer"


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
