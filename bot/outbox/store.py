"""Writing to the outbox, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import Channel
from bot.storage.models import OutboxMessage


def enqueue(
    session: Session,
    kind: str,
    chat: str,
    payload: dict[str, Any],
    dedupe_key: str | None = None,
    *,
    priority: int = 0,
) -> None:
    """Add a message to send. ``chat`` is a chat id, or ``partner:SLUG`` for a partner's
    staff group (resolved when sending, so a group linked later still gets it)."""
    if (
        dedupe_key
        and session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        ).first()
    ):
        return
    session.add(
        OutboxMessage(
            channel=Channel.TELEGRAM,
            chat_id=chat,
            kind=kind,
            payload=payload,
            dedupe_key=dedupe_key,
            priority=priority,
        )
    )
