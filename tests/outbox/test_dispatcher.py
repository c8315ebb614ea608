"""The outbox dispatcher on SQLite and PostgreSQL: order, retries, 429 waits, dead letters."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import Storage
from bot.domain import OutboxStatus
from bot.outbox.dispatcher import Dead, Delivered, OutboxDispatcher, Outcome, Outgoing, RetryLater
from bot.outbox.messages import Reminder, Reply
from bot.outbox.store import enqueue
from bot.storage.models import OutboxMessage
from bot.storage.types import utcnow


class ScriptedSender:
    """A Sender that answers from a script, and remembers what it was asked to send."""

    def __init__(self, outcomes: dict[str, list[Outcome]]) -> None:
        self.outcomes = outcomes
        self.sent: list[str] = []

    async def send(self, message: Outgoing) -> Outcome:
        name = message.message.reference  # type: ignore[union-attr]  # tests send Reminders
        self.sent.append(name)
        script = self.outcomes.get(name, [])
        return script.pop(0) if script else Delivered("1")


def rows(storage: Storage) -> dict[str, OutboxMessage]:
    with storage.session_factory() as session:
        return {r.payload["reference"]: r for r in session.scalars(select(OutboxMessage))}


def test_urgent_first_retries_wait_and_dead_letters(storage: Storage) -> None:
    with storage.session_factory.begin() as session:
        enqueue(session, Reminder("sip", "normal"))
        enqueue(session, Reminder("sip", "urgent"), priority=1)
        enqueue(session, Reminder("sip", "flaky"))
        enqueue(session, Reminder("sip", "refused"))
        enqueue(session, Reminder("sip", "limited"))
        enqueue(session, Reminder("sip", "normal"), dedupe_key="x")
        enqueue(session, Reminder("sip", "again"), dedupe_key="x")  # a duplicate: dropped
    sender = ScriptedSender({"flaky": [RetryLater(None, "timed out")], "refused": [Dead("bad request")],
                             "limited": [RetryLater(30, "429")]})  # fmt: skip
    dispatcher = OutboxDispatcher(storage.session_factory, sender)
    asyncio.run(dispatcher.run_once())
    assert sender.sent[0] == "urgent" and "again" not in sender.sent

    state = rows(storage)
    assert (
        state["urgent"].status == OutboxStatus.SENT and state["normal"].status == OutboxStatus.SENT
    )
    assert (
        state["refused"].status == OutboxStatus.DEAD
        and state["refused"].last_error == "bad request"
    )
    assert state["flaky"].status == OutboxStatus.PENDING and state["flaky"].attempts == 1
    waited = state["limited"].next_attempt_at - utcnow()
    assert timedelta(seconds=25) < waited <= timedelta(seconds=30)  # the 429's retry_after

    asyncio.run(dispatcher.run_once())  # nothing is due yet: no resend
    assert sender.sent.count("flaky") == 1
    with storage.session_factory.begin() as session:
        for row in session.scalars(select(OutboxMessage)):
            row.next_attempt_at = utcnow() - timedelta(seconds=1)
    asyncio.run(dispatcher.run_once())
    state = rows(storage)
    assert (
        state["flaky"].status == OutboxStatus.SENT and state["limited"].status == OutboxStatus.SENT
    )
    assert sender.sent.count("urgent") == 1  # sent rows are never sent again


class ChatSender:
    """Telegram refusing one person's chat for now (a 429 for that chat), serving others."""

    def __init__(self, refused_chat: str) -> None:
        self.refused_chat = refused_chat
        self.sent: list[str] = []

    async def send(self, outgoing: Outgoing) -> Outcome:
        assert isinstance(outgoing.message, Reply)
        if outgoing.chat == self.refused_chat:
            return RetryLater(30, "429")
        self.sent.append(outgoing.message.text)
        return Delivered()


def test_a_persons_later_message_waits_for_the_earlier_one_and_other_chats_go_on(
    storage: Storage,
) -> None:
    with storage.session_factory.begin() as session:
        enqueue(session, Reply("1", "first to Olena"))
        enqueue(session, Reply("2", "first to Taras"))
        enqueue(session, Reply("1", "second to Olena"))
        enqueue(session, Reply("2", "second to Taras"))
    sender = ChatSender(refused_chat="1")
    dispatcher = OutboxDispatcher(storage.session_factory, sender)
    for _ in range(4):
        asyncio.run(dispatcher.run_once())
    assert sender.sent == ["first to Taras", "second to Taras"]  # Taras is not held up

    sender.refused_chat = "nobody"  # Olena's chat works again
    with storage.session_factory.begin() as session:
        for row in session.scalars(select(OutboxMessage)):
            row.next_attempt_at = utcnow() - timedelta(seconds=1)
    for _ in range(3):
        asyncio.run(dispatcher.run_once())
    assert sender.sent[2:] == ["first to Olena", "second to Olena"]  # in the order written
    with storage.session_factory() as session:
        olena = session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == "1")).all()
        assert [r.attempts for r in olena] == [2, 1]  # the second was never tried before
