"""Conversation state in process memory: the embedded default, one process only."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.state.port import Document, LockTimeout, StateKey, decode, encode


class MemoryStateStore:
    """Documents with expiry and a per-chat asyncio lock, in this process."""

    def __init__(
        self, *, lock_timeout: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._items: dict[StateKey, tuple[float, str]] = {}
        self._locks: dict[StateKey, tuple[asyncio.Lock, int]] = {}
        self._claims: dict[str, float] = {}
        self._lock_timeout = lock_timeout
        self._clock = clock

    async def get(self, key: StateKey) -> Document | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires_at, raw = item
        if expires_at <= self._clock():
            del self._items[key]
            return None
        return decode(raw)

    async def set(self, key: StateKey, document: Document, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        # Stored as JSON text, like Redis: callers can't mutate what is stored,
        # and a document that Redis would refuse is refused here too.
        self._items[key] = (self._clock() + ttl_seconds, encode(document))

    async def claim_once(self, name: str, ttl_seconds: float) -> bool:
        now = self._clock()
        expires_at = self._claims.get(name)
        if expires_at is not None and expires_at > now:
            return False
        if len(self._claims) > 100_000:  # forget expired claims now and then
            self._claims = {k: v for k, v in self._claims.items() if v > now}
        self._claims[name] = now + ttl_seconds
        return True

    async def delete(self, key: StateKey) -> None:
        self._items.pop(key, None)

    @asynccontextmanager
    async def lock(self, key: StateKey) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            try:
                await asyncio.wait_for(lock.acquire(), self._lock_timeout)
            except TimeoutError:
                raise LockTimeout(f"chat {key.channel}:{key.chat_id} is busy") from None
            try:
                yield
            finally:
                lock.release()
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]  # no waiters left: don't keep a lock per chat forever
            else:
                self._locks[key] = (lock, users - 1)

    async def close(self) -> None:
        self._items.clear()
