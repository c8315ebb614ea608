"""Writing to the outbox, inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import Channel
from bot.outbox.messages import Message, dump
from bot.storage.models import AuditEntry, OutboxMessage

# A reply to the person's own update goes before everything else waiting.
REPLY_PRIORITY = 10
URGENT_PRIORITY = 1

# The audited changes of a case that give it a new version (see case_version).
CASE_TRANSITIONS = (
    "case_created",
    "case_claimed",
    "case_closed",
    "case_reopened",
    "case_transferred",
    "case_cancelled",
)


def enqueue(
    session: Session, message: Message, dedupe_key: str | None = None, *, priority: int = 0
) -> bool:
    """Add a message to send with the caller's change; False if one with the same
    dedupe key was already written (the change was retried, or asked twice)."""
    if dedupe_key:
        session.flush()  # an earlier enqueue of this transaction counts too
        if session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        ).first():
            return False
    row = dump(message)
    session.add(
        OutboxMessage(
            channel=Channel.TELEGRAM,
            chat_id=row.chat,
            kind=row.kind.value,
            payload=row.payload,
            dedupe_key=dedupe_key,
            priority=priority,
        )
    )
    return True


def case_version(session: Session, reference: str) -> int:
    """How many changes of the case are recorded: the same when a transaction is
    retried, one more after each take, close, reopen or transfer. Dedupe keys carry
    it, so the messages of each change are sent once, and each change gets its own."""
    return int(
        session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.entity_type == "case",
                AuditEntry.entity_id == reference,
                AuditEntry.action.in_(CASE_TRANSITIONS),
            )
        )
        or 0
    )
