"""What a flow asks for: messages to show, and effects for the runtime to carry out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: ``label`` is shown, ``payload`` comes back as a Button event."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to the person. ``text`` is plain text (channels escape it); ``rows``
    are rows of buttons."""

    text: str
    rows: tuple[tuple[Choice, ...], ...] = ()
    emergency: bool = False
    # The text may hold the vetted formatting of FAQ answers (<b>, <i>); never set
    # for anything a person wrote.
    rich: bool = False


# Effects: the runtime carries them out and feeds a result event back.


@dataclass(frozen=True, slots=True)
class SaveClient:
    """Remember the person's language, and consent when given (None: unchanged)."""

    language: str
    consent: bool | None = None


@dataclass(frozen=True, slots=True)
class ShowFaq:
    slug: str
    language: str


@dataclass(frozen=True, slots=True)
class ListFaq:
    category: str
    language: str


@dataclass(frozen=True, slots=True)
class CreateCase:
    category: str
    subcategory: str
    language: str
    city: str
    urgent: bool
    urgent_signals: tuple[str, ...]
    confidence: float | None
    words: tuple[str, ...]  # the person's own messages, in order
    details: str | None


@dataclass(frozen=True, slots=True)
class ListCases:
    pass


@dataclass(frozen=True, slots=True)
class CancelCase:
    reference: str


@dataclass(frozen=True, slots=True)
class ShowMyData:
    pass


@dataclass(frozen=True, slots=True)
class EraseMe:
    pass


@dataclass(frozen=True, slots=True)
class RelayToStaff:
    """What the person writes while a partner handles their case goes to that case."""

    reference: str
    text: str | None
    media_kind: str | None = None
    media_reference: str | None = None


@dataclass(frozen=True, slots=True)
class RateCase:
    reference: str
    rating: int


Effect = (
    SaveClient
    | ShowFaq
    | ListFaq
    | CreateCase
    | ListCases
    | CancelCase
    | ShowMyData
    | EraseMe
    | RelayToStaff
    | RateCase
)
Action = Reply | Effect
