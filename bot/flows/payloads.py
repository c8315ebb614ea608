"""Button payloads (Telegram's callback data): the one place that builds and parses them.

A payload is ``KIND:VALUE``. Telegram allows 64 bytes of callback data, so values are
short: references, slugs, codes. The rating button carries two values,
``rate:REFERENCE:STARS``; staff buttons on a queue card carry the case's reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 64  # Telegram's limit on callback data


class ButtonKind(StrEnum):
    # The person's side (bot/flows/conversation.py)
    LANGUAGE = "lang"
    MENU = "menu"
    FAQ = "faq"
    TOPIC = "topic"
    CANCEL = "cancel"
    CANCEL_CONFIRM = "cancelconfirm"
    RATE = "rate"
    CONSENT = "consent"
    CONFIRM = "confirm"
    CATEGORY = "cat"
    HELPED = "helped"
    CITY = "city"
    DETAILS = "details"
    FORGET = "forget"
    RESTART = "restart"
    # Staff, on a queue card (bot/telegram/staff.py)
    TAKE = "take"
    TRANSFER = "transfer"


@dataclass(frozen=True, slots=True)
class Pressed:
    """A parsed payload; ``kind`` is None for one this version does not know."""

    kind: ButtonKind | None
    value: str


@dataclass(frozen=True, slots=True)
class Rating:
    reference: str
    stars: int


def button(kind: ButtonKind, value: str = "") -> str:
    """The payload of a button; values must keep it within MAX_BYTES (Telegram refuses
    longer ones): references and slugs do."""
    return f"{kind.value}:{value}"


def parse(payload: str) -> Pressed:
    kind, _, value = payload.partition(":")
    try:
        return Pressed(ButtonKind(kind), value)
    except ValueError:
        return Pressed(None, value)


def rate(reference: str, stars: int) -> str:
    return button(ButtonKind.RATE, f"{reference}:{stars}")


def parse_rating(value: str) -> Rating | None:
    """The value of a ``rate`` payload; None if it is not a reference and a number."""
    reference, _, stars = value.rpartition(":")
    if not reference or not stars.isdigit():
        return None
    return Rating(reference, int(stars))


def take(reference: str) -> str:
    return button(ButtonKind.TAKE, reference)


def transfer(reference: str) -> str:
    return button(ButtonKind.TRANSFER, reference)


def pattern(kind: ButtonKind) -> str:
    """A regular expression matching the payloads of ``kind`` (for handler routing)."""
    return f"^{kind.value}:"
