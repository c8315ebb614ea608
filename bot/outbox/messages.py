"""What the outbox carries: one frozen dataclass per kind of message, and the one
place that turns them into table rows and back.

A row holds ``kind`` (an :class:`OutboxKind`), ``chat_id`` (where it goes: a
person's chat id, or ``partner:SLUG`` for a partner's staff group, resolved when
sending so that a group linked later still gets it) and a JSON ``payload`` with the
remaining fields. Rows written before these classes existed (``to_client`` rows
carrying a ``notice``) are still read.

Dedupe keys name the thing sent and its version, never a time: the same change
retried enqueues nothing new, while a transfer, a reopen or a second Take (a new
version of the case) produce their own messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

PARTNER_PREFIX = "partner:"


class OutboxKind(StrEnum):
    CASE_CARD = "case_card"
    CASE_TOPIC = "case_topic"
    TO_TOPIC = "to_topic"
    TO_PERSON = "to_client"  # the stored name predates "person"
    PERSON_NOTICE = "person_notice"
    TOPIC_NOTICE = "notice"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    REPLY = "reply"


class PersonNoticeKind(StrEnum):
    CLOSED = "closed"
    REOPENED = "reopened"
    TRANSFERRED = "transferred"


class TopicNoticeKind(StrEnum):
    BLOCKED = "blocked"  # the person blocked the bot


def partner_chat(slug: str) -> str:
    return PARTNER_PREFIX + slug


def partner_slug(chat: str) -> str:
    return chat.removeprefix(PARTNER_PREFIX)


@dataclass(frozen=True, slots=True)
class CaseCard:
    """The case's card in the partner's queue: posted once, then edited."""

    partner: str
    reference: str


@dataclass(frozen=True, slots=True)
class CaseTopic:
    """The case's forum topic in the partner's group, with the history so far."""

    partner: str
    reference: str


@dataclass(frozen=True, slots=True)
class ToTopic:
    """Something written on the case, shown in its topic: by the person, or by staff in
    the web console (``author`` set; ``note`` for an internal note)."""

    partner: str
    reference: str
    text: str | None
    media_kind: str | None = None
    media_reference: str | None = None
    author: str | None = None
    note: bool = False


@dataclass(frozen=True, slots=True)
class ToPerson:
    """What staff wrote to the person, signed with the organisation's name."""

    chat: str
    reference: str
    partner_name: str
    text: str | None
    media_kind: str | None = None
    media_reference: str | None = None
    # From the consortium's coordinators, who have no door: named in the person's words.
    coordinators: bool = False


@dataclass(frozen=True, slots=True)
class PersonNotice:
    """The person is told their case was closed, reopened or transferred."""

    chat: str
    reference: str
    notice: PersonNoticeKind
    partner_name: str = ""
    coordinators: bool = False


@dataclass(frozen=True, slots=True)
class TopicNotice:
    """Staff are told something about the person in the case's topic."""

    partner: str
    reference: str
    notice: TopicNoticeKind


@dataclass(frozen=True, slots=True)
class Reminder:
    """A case still waiting in the partner's queue."""

    partner: str
    reference: str


@dataclass(frozen=True, slots=True)
class Escalation:
    """To the coordinators' group: a case ``late_partner`` has not taken in time."""

    partner: str
    reference: str
    late_partner: str


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply to a person's own update, rendered for Telegram: HTML text and rows of
    (label, callback data) buttons."""

    chat: str
    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()


Message = (
    CaseCard
    | CaseTopic
    | ToTopic
    | ToPerson
    | PersonNotice
    | TopicNotice
    | Reminder
    | Escalation
    | Reply
)


class UnreadableMessage(ValueError):
    """A row this code cannot read (an unknown kind or a missing field)."""


@dataclass(frozen=True, slots=True)
class Row:
    """A message as stored: kind, destination chat and JSON payload."""

    kind: OutboxKind
    chat: str
    payload: dict[str, Any]


def dump(message: Message) -> Row:
    match message:
        case CaseCard(partner, reference):
            return Row(OutboxKind.CASE_CARD, partner_chat(partner), {"reference": reference})
        case CaseTopic(partner, reference):
            return Row(OutboxKind.CASE_TOPIC, partner_chat(partner), {"reference": reference})
        case ToTopic():
            return Row(OutboxKind.TO_TOPIC, partner_chat(message.partner), {
                "reference": message.reference, "text": message.text,
                "media_kind": message.media_kind, "media_reference": message.media_reference,
                "author": message.author, "note": message.note,
            })  # fmt: skip
        case ToPerson():
            return Row(OutboxKind.TO_PERSON, message.chat, {
                "reference": message.reference, "partner": message.partner_name,
                "text": message.text, "media_kind": message.media_kind,
                "media_reference": message.media_reference,
                "coordinators": message.coordinators,
            })  # fmt: skip
        case PersonNotice(chat, reference, notice, partner_name, coordinators):
            payload = {"reference": reference, "notice": notice.value, "partner": partner_name,
                       "coordinators": coordinators}  # fmt: skip
            return Row(OutboxKind.PERSON_NOTICE, chat, payload)
        case TopicNotice(partner, reference, notice):
            return Row(OutboxKind.TOPIC_NOTICE, partner_chat(partner),
                       {"reference": reference, "notice": notice.value})  # fmt: skip
        case Reminder(partner, reference):
            return Row(OutboxKind.REMINDER, partner_chat(partner), {"reference": reference})
        case Escalation(partner, reference, late_partner):
            return Row(OutboxKind.ESCALATION, partner_chat(partner),
                       {"reference": reference, "partner": late_partner})  # fmt: skip
        case Reply(chat, text, buttons):
            return Row(OutboxKind.REPLY, chat, {
                "text": text, "buttons": [[list(b) for b in row] for row in buttons],
            })  # fmt: skip
    raise TypeError(f"not an outbox message: {message!r}")


def load(kind: str, chat: str, payload: dict[str, Any]) -> Message:
    """The message a stored row holds; UnreadableMessage if it holds none."""
    try:
        return _load(OutboxKind(kind), chat, payload)
    except (ValueError, KeyError, TypeError) as error:
        raise UnreadableMessage(f"{kind}: {error!r}") from error


def _load(kind: OutboxKind, chat: str, p: dict[str, Any]) -> Message:
    slug = partner_slug(chat)
    match kind:
        case OutboxKind.CASE_CARD:
            return CaseCard(slug, p["reference"])
        case OutboxKind.CASE_TOPIC:
            return CaseTopic(slug, p["reference"])
        case OutboxKind.TO_TOPIC:
            return ToTopic(
                slug, p["reference"], p.get("text"), p.get("media_kind"),
                p.get("media_reference"), p.get("author"), bool(p.get("note")),
            )  # fmt: skip
        case OutboxKind.TO_PERSON if p.get("notice"):  # rows written before PersonNotice
            return PersonNotice(
                chat, p["reference"], PersonNoticeKind(p["notice"]), p.get("partner") or ""
            )
        case OutboxKind.TO_PERSON:
            return ToPerson(chat, p["reference"], p.get("partner") or "", p.get("text"),
                            p.get("media_kind"), p.get("media_reference"),
                            bool(p.get("coordinators")))  # fmt: skip
        case OutboxKind.PERSON_NOTICE:
            return PersonNotice(
                chat, p["reference"], PersonNoticeKind(p["notice"]), p.get("partner") or "",
                bool(p.get("coordinators")),
            )  # fmt: skip
        case OutboxKind.TOPIC_NOTICE:
            return TopicNotice(slug, p["reference"], TopicNoticeKind(p.get("notice", "blocked")))
        case OutboxKind.REMINDER:
            return Reminder(slug, p["reference"])
        case OutboxKind.ESCALATION:
            return Escalation(slug, p["reference"], p.get("partner") or "?")
        case OutboxKind.REPLY:
            buttons = tuple(
                tuple((str(label), str(data)) for label, data in row) for row in p["buttons"]
            )
            return Reply(chat, p["text"], buttons)


# Dedupe keys -----------------------------------------------------------------------
# ``version`` is the case's number of recorded transitions (bot.outbox.store.case_version):
# the same for a transaction and its retry, new for each transfer, take, close, reopen.


def reply_key(chat: str, update_id: int, piece: int) -> str:
    """The ``piece``-th message answering one update: a redelivered update (a webhook
    retry, a restart) does not answer twice."""
    return f"reply:{chat}:{update_id}:{piece}"


def card_key(reference: str, partner: str, event: str, version: int) -> str:
    return f"card:{reference}:{partner}:{event}:v{version}"


def topic_key(reference: str, partner: str, version: int) -> str:
    return f"topic:{reference}:{partner}:v{version}"


def person_notice_key(reference: str, notice: PersonNoticeKind, version: int) -> str:
    return f"notice:{reference}:{notice.value}:v{version}"


def topic_notice_key(reference: str, notice: TopicNoticeKind, partner: str) -> str:
    return f"topic-notice:{reference}:{partner}:{notice.value}"


def reminder_key(reference: str, partner: str, version: int) -> str:
    return f"reminder:{reference}:{partner}:v{version}"


def escalation_key(reference: str, partner: str, version: int) -> str:
    return f"escalation:{reference}:{partner}:v{version}"
