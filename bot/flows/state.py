"""The conversation state: one versioned JSON document per chat."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

STATE_VERSION = 1
MAX_DRAFT_MESSAGES = 10
MAX_DRAFT_CHARS = 4000


class Step(StrEnum):
    NEW = "new"  # never talked to us
    CHOOSE_LANGUAGE = "choose_language"
    CONSENT = "consent"
    DESCRIBE = "describe"  # main menu: tell us, or pick from the menu
    CONFIRM_CATEGORY = "confirm_category"
    CHOOSE_CATEGORY = "choose_category"
    FAQ_FEEDBACK = "faq_feedback"
    ASK_CITY = "ask_city"
    ASK_DETAILS = "ask_details"
    CONFIRM_FORGET = "confirm_forget"
    CONFIRM_CANCEL = "confirm_cancel"


class Consent(StrEnum):
    UNKNOWN = "unknown"
    GIVEN = "given"
    DECLINED = "declined"


@dataclass
class Draft:
    """The request being described, before it becomes a case."""

    words: list[str] = field(default_factory=list)
    category: str | None = None
    subcategory: str | None = None
    confidence: float | None = None
    urgent: bool = False
    urgent_signals: list[str] = field(default_factory=list)
    city: str | None = None
    faq: str | None = None

    def add(self, text: str) -> None:
        text = text.strip()[:MAX_DRAFT_CHARS]
        if text:
            self.words = [*self.words, text][-MAX_DRAFT_MESSAGES:]


@dataclass
class State:
    version: int = STATE_VERSION
    step: Step = Step.NEW
    locale: str | None = None
    consent: Consent = Consent.UNKNOWN
    draft: Draft = field(default_factory=Draft)
    active_case: str | None = None  # a case a partner has taken: messages go there
    pending: str | None = None  # e.g. the reference to cancel, awaiting confirmation

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, document: dict[str, Any] | None) -> State:
        """A state from storage; anything unreadable or from another version starts over
        (a conversation restarts rather than crashes)."""
        if not document or document.get("version") != STATE_VERSION:
            return cls()
        try:
            draft_fields = {f.name for f in fields(Draft)}
            draft = Draft(
                **{k: v for k, v in (document.get("draft") or {}).items() if k in draft_fields}
            )
            return cls(
                step=Step(document["step"]),
                locale=document.get("locale"),
                consent=Consent(document.get("consent", Consent.UNKNOWN)),
                draft=draft,
                active_case=document.get("active_case"),
                pending=document.get("pending"),
            )
        except (KeyError, ValueError, TypeError):
            return cls()
