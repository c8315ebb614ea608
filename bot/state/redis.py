"""Conversation state in Redis, shared by several bot processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from redis.asyncio import Redis
from redis.exceptions import LockError

from bot.state.port import Document, LockTimeout, StateKey, decode, encode


class RedisStateStore:
    """One JSON string per chat with a TTL, and a Redis lock per chat.

    The lock expires by itself (``lock_ttl``) so a crashed process cannot block
    a chat forever; a step that outlives it is a bug we want to hear about.
    """

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "razem",
        lock_ttl: float = 30.0,
        lock_timeout: float = 10.0,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._lock_ttl = lock_ttl
        self._lock_timeout = lock_timeout

    @classmethod
    def from_url(cls, url: str, **kwargs: float | str) -> RedisStateStore:
        return cls(Redis.from_url(url), **kwargs)  # type: ignore[arg-type]

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
        if not await lock.acquire():
            raise LockTimeout(f"chat {key.channel}:{key.chat_id} is busy")
        try:
            yield
        finally:
            # Expired while held: the next holder already owns it.
            with suppress(LockError):
                await lock.release()

    async def close(self) -> None:
        await self._client.aclose()
