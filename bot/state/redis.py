"""Conversation state in Redis, shared by several bot processes."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from bot.state.port import Document, LockTimeout, StateKey, decode, encode

log = logging.getLogger(__name__)


class RedisStateStore:
    """One JSON string per chat with a TTL, and a Redis lock per chat.

    The lock expires by itself (``lock_ttl``) so a crashed process cannot block
    a chat forever; a step that outlives it is a bug we want to hear about.

    An asyncio Redis client belongs to the event loop its connections were made in.
    Given a ``connect`` function instead of a client, the store makes its client on
    first use, inside the loop that uses it; either way, use from a second loop is
    refused with a clear error instead of failing deep inside redis-py.
    """

    def __init__(
        self,
        client: Redis | Callable[[], Redis],
        *,
        prefix: str = "razem",
        lock_ttl: float = 30.0,
        lock_timeout: float = 10.0,
    ) -> None:
        self._made: Redis | None = client if isinstance(client, Redis) else None
        self._connect = client if not isinstance(client, Redis) else None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._prefix = prefix
        self._lock_ttl = lock_ttl
        self._lock_timeout = lock_timeout

    @classmethod
    def from_url(cls, url: str, **options: float | str) -> RedisStateStore:
        """A store that connects to ``url`` lazily, in the event loop that first uses it."""
        return cls(lambda: Redis.from_url(url, socket_connect_timeout=3), **options)  # type: ignore[arg-type]

    @property
    def _client(self) -> Redis:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError("RedisStateStore used from a second event loop; make one per loop")
        if self._made is None:
            assert self._connect is not None
            self._made = self._connect()
        return self._made

    async def get(self, key: StateKey) -> Document | None:
        raw = await self._client.get(key.redis_key(self._prefix))
        return None if raw is None else decode(raw)

    async def set(self, key: StateKey, document: Document, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        await self._client.set(
            key.redis_key(self._prefix), encode(document), px=max(1, int(ttl_seconds * 1000))
        )

    async def claim_once(self, name: str, ttl_seconds: float) -> bool:
        claimed = await self._client.set(
            f"{self._prefix}:once:{name}", b"1", nx=True, px=max(1, int(ttl_seconds * 1000))
        )
        return bool(claimed)

    async def delete(self, key: StateKey) -> None:
        await self._client.delete(key.redis_key(self._prefix))

    @asynccontextmanager
    async def lock(self, key: StateKey) -> AsyncIterator[None]:
        lock = self._client.lock(
            key.redis_key(self._prefix, "lock"),
            timeout=self._lock_ttl,
            blocking_timeout=self._lock_timeout,
        )
        # Our own token, so that whatever happens the lock can be freed if it is ours:
        # a SET that reached Redis before its answer was lost would otherwise hold the
        # chat (and, with updates handled in turn, everyone after it) for lock_ttl.
        token = uuid.uuid4().hex.encode()
        try:
            acquired = await lock.acquire(token=token)
        except BaseException:
            await _release(lock, token)
            raise
        if not acquired:
            await _release(lock, token)  # a retried SET may have found our own first one
            raise LockTimeout(f"chat {key.channel}:{key.chat_id} is busy")
        try:
            yield
        finally:
            await _release(lock, token)

    async def close(self) -> None:
        if self._made is not None:
            await self._made.aclose()
            self._made = None


async def _release(lock: Lock, token: bytes) -> None:
    """Free the lock if ``token`` still holds it; never raise (it expires by itself)."""
    try:
        await lock.do_release(token)
    except LockError:
        pass  # not ours (never taken, or expired while held: the next holder owns it)
    except (RedisError, OSError, RuntimeError) as exc:
        log.warning("could not release %s (it expires by itself): %s", lock.name, exc)
