"""What happens to a conversation: things the person does, and effect results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nlu.api import Parse


@dataclass(frozen=True, slots=True)
class Command:
    """/start, /help, /cases, /language, /mydata, /forget, /emergency, /menu."""

    name: str
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """A message the person wrote, with what the NLU understood of it
    (``parse`` already includes the person's earlier messages of this request)."""

    text: str
    parse: Parse
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Button:
    payload: str
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Media:
    """A photo, document, voice message or location (the Telegram issue renders it)."""

    kind: str  # photo | document | voice | location | unsupported
    reference: str
    caption: str = ""
    language_code: str | None = None


# Results of effects, fed back by the runtime.


@dataclass(frozen=True, slots=True)
class FaqShown:
    slug: str
    question: str
    answer: str
    language: str  # the language the answer is in
    draft: bool
    expired: bool
    category: str = "legal"  # legal | social | psychological: which caveat fits
    reviewed: bool = False


@dataclass(frozen=True, slots=True)
class FaqMissing:
    slug: str


@dataclass(frozen=True, slots=True)
class FaqTopic:
    slug: str
    question: str


@dataclass(frozen=True, slots=True)
class FaqListed:
    category: str
    entries: tuple[FaqTopic, ...]


@dataclass(frozen=True, slots=True)
class CaseCreated:
    reference: str
    partner_name: str
    urgent: bool
    coordinators: bool = False  # the consortium's fallback: named in the person's language


@dataclass(frozen=True, slots=True)
class CaseSummary:
    reference: str
    status: str
    category: str
    partner_name: str
    created_at: datetime
    updated_at: datetime
    coordinators: bool = False


@dataclass(frozen=True, slots=True)
class CasesListed:
    cases: tuple[CaseSummary, ...]


@dataclass(frozen=True, slots=True)
class CaseCancelled:
    reference: str
    cancelled: bool


@dataclass(frozen=True, slots=True)
class DataShown:
    language: str
    consent_at: datetime | None
    cases: int
    messages: int
    first_seen: datetime | None


@dataclass(frozen=True, slots=True)
class Erased:
    cases: int
    messages: int


@dataclass(frozen=True, slots=True)
class Relayed:
    reference: str


@dataclass(frozen=True, slots=True)
class CaseRated:
    reference: str
    saved: bool


Event = (
    Command
    | Text
    | Button
    | Media
    | FaqShown
    | FaqMissing
    | FaqListed
    | CaseCreated
    | CasesListed
    | CaseCancelled
    | DataShown
    | Erased
    | Relayed
    | CaseRated
)
