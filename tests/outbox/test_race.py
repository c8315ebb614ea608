"""Two dispatchers (two threads, each with its own engine, as two bot processes would)
drain one PostgreSQL outbox at once: no message is sent twice, none is lost, and each
person's messages still leave in the order they were written."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

from sqlalchemy import select

from bot.bootstrap import open_storage
from bot.domain import OutboxStatus
from bot.outbox.dispatcher import Delivered, OutboxDispatcher, Outcome, Outgoing
from bot.outbox.messages import CaseCard, Reply
from bot.outbox.store import enqueue
from bot.storage.models import OutboxMessage
from tests.conftest import _truncate_all

ROWS = 300
PEOPLE = 20


class RecordingSender:
    """Remembers what it sent, and by which dispatcher; yields like a network call."""

    def __init__(self, name: str, log: list[tuple[str, int, Outgoing]], lock: threading.Lock):
        self.name, self.log, self.lock = name, log, lock

    async def send(self, outgoing: Outgoing) -> Outcome:
        await asyncio.sleep(0.001)
        with self.lock:
            self.log.append((self.name, outgoing.id, outgoing))
        return Delivered(str(outgoing.id))


def drain(url: str, name: str, log: list[tuple[str, int, Outgoing]], lock: threading.Lock,
          start: threading.Barrier) -> None:  # fmt: skip
    storage = open_storage(url)
    dispatcher = OutboxDispatcher(storage.session_factory, RecordingSender(name, log, lock))

    async def until_empty() -> None:
        idle = 0
        while idle < 3:  # the other may still hold leased rows for a moment
            idle = 0 if await dispatcher.run_once() else idle + 1
            await asyncio.sleep(0.02 * idle)

    start.wait()
    try:
        asyncio.run(until_empty())
    finally:
        storage.dispose()


def test_two_dispatchers_send_every_row_exactly_once_in_order(migrated_postgres_url: str) -> None:
    storage = open_storage(migrated_postgres_url)
    _truncate_all(storage.engine)
    factory = storage.session_factory
    with factory.begin() as session:
        for n in range(ROWS):
            if n % 2:
                enqueue(session, Reply(str(1000 + n % PEOPLE), f"message {n}"))
            else:
                enqueue(session, CaseCard("sip", f"L-{n}"))
    log: list[tuple[str, int, Outgoing]] = []
    lock, start = threading.Lock(), threading.Barrier(2)
    threads = [
        threading.Thread(target=drain, args=(migrated_postgres_url, name, log, lock, start))
        for name in ("first", "second")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    sends = Counter(row_id for _, row_id, _ in log)
    assert [row_id for row_id, times in sends.items() if times > 1] == []  # none twice
    assert len(sends) == ROWS  # none lost
    by = Counter(name for name, _, _ in log)
    assert by["first"] > 0 and by["second"] > 0, by  # both really took part
    for person in {o.message.chat for _, _, o in log if isinstance(o.message, Reply)}:
        ids = [i for _, i, o in log if isinstance(o.message, Reply) and o.message.chat == person]
        assert ids == sorted(ids), person  # a person's messages in the order written
    with factory() as session:
        statuses = Counter(session.scalars(select(OutboxMessage.status)).all())
    assert statuses == {OutboxStatus.SENT: ROWS}
    storage.dispose()
