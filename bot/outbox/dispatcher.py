"""Delivers due outbox messages through a Sender; the one layer that retries.

Several dispatchers may run (several bot processes): on PostgreSQL each claims its
rows with FOR UPDATE SKIP LOCKED and leases them for a minute, so a message goes out
through one of them only. A person's messages leave in the order they were written:
a later one waits while an earlier one waits for its retry; other chats go on.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy import exists, select, true
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.domain import OutboxStatus
from bot.outbox.messages import PARTNER_PREFIX, Message, UnreadableMessage, load
from bot.storage.models import OutboxMessage
from bot.storage.types import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
BATCH = 20
LEASE = timedelta(seconds=60)
MAX_BACKOFF_SECONDS = 300.0


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


@dataclass(frozen=True)
class Unreachable(Dead):
    """The person blocked the bot (or deleted their account): never retried."""


Outcome = Delivered | RetryLater | Dead


@dataclass(frozen=True)
class Outgoing:
    id: int
    chat: str
    message: Message
    attempts: int


class Lane(StrEnum):
    """Each lane is drained by its own loop, so a person's reply never waits behind the
    staff groups' messages, which Telegram paces at 20 a minute per group."""

    PEOPLE = "people"  # private chats: replies, relays, notices
    GROUPS = "groups"  # partner groups: cards, topics, reminders


class Sender(Protocol):
    async def send(self, outgoing: Outgoing) -> Outcome:
        """Deliver one message; never raises for delivery problems, returns the outcome."""


class OutboxDispatcher:
    def __init__(
        self, factory: sessionmaker[Session], sender: Sender, *, idle_seconds: float = 0.5
    ) -> None:
        self.factory = factory
        self.sender = sender
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A person's message was just written: look now, not after idling."""
        self._wake.set()

    def _claim(self, lane: Lane | None) -> list[Outgoing]:
        earlier = aliased(OutboxMessage)
        in_group = OutboxMessage.chat_id.startswith(PARTNER_PREFIX)
        with self.factory.begin() as session:
            query = (
                select(OutboxMessage)
                .where(
                    true() if lane is None else in_group if lane == Lane.GROUPS else ~in_group,
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= utcnow(),
                    # Per-person order: only the oldest pending message of a person's chat.
                    in_group
                    | ~exists().where(
                        earlier.chat_id == OutboxMessage.chat_id,
                        earlier.status == OutboxStatus.PENDING,
                        earlier.id < OutboxMessage.id,
                    ),
                )
                .order_by(OutboxMessage.priority.desc(), OutboxMessage.id)
                .limit(BATCH)
            )
            if session.bind is not None and session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            claimed: list[Outgoing] = []
            for row in session.scalars(query).all():
                # Lease: others skip these for a minute while we send.
                row.next_attempt_at = utcnow() + LEASE
                try:
                    message = load(row.kind, row.chat_id, dict(row.payload))
                except UnreadableMessage as error:
                    row.status, row.last_error = OutboxStatus.DEAD, str(error)[:500]
                    continue
                claimed.append(Outgoing(row.id, row.chat_id, message, row.attempts))
            return claimed

    def _record(self, outgoing: Outgoing, outcome: Outcome) -> None:
        with self.factory.begin() as session:
            row = session.get(OutboxMessage, outgoing.id)
            if row is None or row.status != OutboxStatus.PENDING:
                return
            row.attempts += 1
            if isinstance(outcome, Delivered):
                row.status, row.sent_at = OutboxStatus.SENT, utcnow()
                row.external_message_id = outcome.external_id
            elif isinstance(outcome, Dead):
                row.status, row.last_error = OutboxStatus.DEAD, outcome.reason[:500]
            elif outcome.seconds is None and row.attempts >= MAX_ATTEMPTS:
                # Only failures give up; a wait Telegram asked for (429) or a group
                # not linked yet is waited out however long it takes.
                row.status, row.last_error = OutboxStatus.DEAD, f"gave up: {outcome.reason}"[:500]
            else:
                wait = (
                    outcome.seconds
                    if outcome.seconds is not None
                    else min(MAX_BACKOFF_SECONDS, 2.0**row.attempts)
                )
                row.next_attempt_at = utcnow() + timedelta(seconds=wait)
                row.last_error = outcome.reason[:500]

    async def run_once(self, lane: Lane | None = None) -> int:
        """Send what is due now; the number of messages tried. Chats are served side by
        side, the messages of one chat one after the other."""
        batch = await asyncio.to_thread(self._claim, lane)
        by_chat: dict[str, list[Outgoing]] = {}
        for outgoing in batch:
            by_chat.setdefault(outgoing.chat, []).append(outgoing)
        await asyncio.gather(*(self._send_in_turn(chat) for chat in by_chat.values()))
        return len(batch)

    async def _send_in_turn(self, messages: list[Outgoing]) -> None:
        for outgoing in messages:
            outcome = await self.sender.send(outgoing)
            await asyncio.to_thread(self._record, outgoing, outcome)

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(self._drain(Lane.PEOPLE, stop), self._drain(Lane.GROUPS, stop))

    async def _drain(self, lane: Lane, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                tried = await self.run_once(lane)
            except Exception:
                log.exception("outbox dispatch failed")
                tried = 0
            if not tried:
                await self._idle(stop, self._wake if lane == Lane.PEOPLE else None)

    async def _idle(self, stop: asyncio.Event, wake: asyncio.Event | None) -> None:
        events = [stop] if wake is None else [stop, wake]
        waits = [asyncio.ensure_future(event.wait()) for event in events]
        await asyncio.wait(waits, timeout=self.idle_seconds, return_when=asyncio.FIRST_COMPLETED)
        for waiting in waits:
            waiting.cancel()
        if wake is not None:
            wake.clear()
