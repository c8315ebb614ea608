"""Delivers due outbox messages through a Sender, with retries that honour 429.

Several dispatchers may run (several bot processes): on PostgreSQL each claims its
rows with FOR UPDATE SKIP LOCKED, so a message goes out through one of them only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import OutboxStatus
from bot.storage.models import OutboxMessage
from bot.storage.types import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
BATCH = 20


@dataclass(frozen=True)
class Delivered:
    external_id: str | None = None


@dataclass(frozen=True)
class RetryLater:
    seconds: float | None  # None: exponential backoff
    reason: str


@dataclass(frozen=True)
class Dead:
    reason: str


Outcome = Delivered | RetryLater | Dead


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: str
    chat: str
    payload: dict[str, Any]
    attempts: int


class Sender(Protocol):
    async def send(self, message: Outgoing) -> Outcome:
        """Deliver one message; never raises for delivery problems, returns the outcome."""


class OutboxDispatcher:
    def __init__(
        self, factory: sessionmaker[Session], sender: Sender, *, idle_seconds: float = 0.5
    ) -> None:
        self.factory = factory
        self.sender = sender
        self.idle_seconds = idle_seconds

    def _claim(self) -> list[Outgoing]:
        with self.factory.begin() as session:
            query = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= utcnow(),
                )
                .order_by(OutboxMessage.priority.desc(), OutboxMessage.id)
                .limit(BATCH)
            )
            if session.bind is not None and session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = session.scalars(query).all()
            # Lease: others skip these for a minute while we send.
            for row in rows:
                row.next_attempt_at = utcnow() + timedelta(seconds=60)
            return [Outgoing(r.id, r.kind, r.chat_id, dict(r.payload), r.attempts) for r in rows]

    def _record(self, message: Outgoing, outcome: Outcome) -> None:
        with self.factory.begin() as session:
            row = session.get(OutboxMessage, message.id)
            if row is None or row.status != OutboxStatus.PENDING:
                return
            row.attempts += 1
            if isinstance(outcome, Delivered):
                row.status, row.sent_at, row.external_message_id = (
                    OutboxStatus.SENT,
                    utcnow(),
                    outcome.external_id,
                )
            elif isinstance(outcome, Dead) or row.attempts >= MAX_ATTEMPTS:
                row.status, row.last_error = (
                    OutboxStatus.DEAD,
                    getattr(outcome, "reason", "gave up"),
                )
            else:
                wait = (
                    outcome.seconds
                    if outcome.seconds is not None
                    else min(300.0, 2.0**row.attempts)
                )
                row.next_attempt_at, row.last_error = (
                    utcnow() + timedelta(seconds=wait),
                    outcome.reason,
                )

    async def run_once(self) -> int:
        """Send what is due now; the number of messages tried."""
        batch = await asyncio.to_thread(self._claim)
        for message in batch:
            outcome = await self.sender.send(message)
            await asyncio.to_thread(self._record, message, outcome)
        return len(batch)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                tried = await self.run_once()
            except Exception:
                log.exception("outbox dispatch failed")
                tried = 0
            if not tried:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_seconds)
