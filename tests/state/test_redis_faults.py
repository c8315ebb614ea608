"""The Redis lock under a lost answer: a chat must not stay locked by its own failed update.

A small TCP proxy between the store and the real Redis server forwards everything,
except that it can swallow Redis's answer to the next lock SET and cut the
connection, as a network fault does after the command was executed.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import make_url

from bot.state.port import LockTimeout, StateKey
from bot.state.redis import RedisStateStore

KEY = StateKey("telegram", "1001")


class LosingProxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.lose_next_lock_answer = False
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _serve(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        redis_in, redis_out = await asyncio.open_connection(*self.target)

        async def answers() -> None:
            while data := await redis_in.read(65536):
                client_out.write(data)
                await client_out.drain()

        relaying = asyncio.create_task(answers())
        try:
            while data := await client_in.read(65536):
                if self.lose_next_lock_answer and b"$3\r\nSET\r\n" in data and b":lock:" in data:
                    self.lose_next_lock_answer = False
                    relaying.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await relaying
                    redis_out.write(data)
                    await redis_out.drain()
                    await redis_in.read(65536)  # executed by Redis; the answer is lost
                    break
                redis_out.write(data)
                await redis_out.drain()
        finally:
            relaying.cancel()
            for writer in (client_out, redis_out):
                writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


@pytest.fixture
async def proxy(redis_url: str) -> AsyncIterator[tuple[LosingProxy, str, str]]:
    url = make_url(redis_url)
    losing = LosingProxy(url.host or "127.0.0.1", url.port or 6379)
    port = await losing.start()
    proxied = url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    yield losing, proxied, redis_url
    await losing.stop()


async def test_a_lock_whose_answer_was_lost_is_released_by_the_failed_update(
    proxy: tuple[LosingProxy, str, str],
) -> None:
    losing, proxied, direct_url = proxy
    prefix = f"razem-test-{uuid.uuid4().hex[:10]}"
    store = RedisStateStore(Redis.from_url(proxied), prefix=prefix, lock_timeout=0.5, lock_ttl=30)
    direct = Redis.from_url(direct_url)
    try:
        losing.lose_next_lock_answer = True
        # The update fails (redis-py raises, or retries the SET and meets its own lock)...
        with pytest.raises((RedisError, LockTimeout)):
            async with store.lock(KEY):
                pytest.fail("the lock was not acquired")
        assert not losing.lose_next_lock_answer, "the fault was not injected"
        # ...and frees the chat on its way out.
        assert await direct.exists(KEY.redis_key(prefix, "lock")) == 0
        async with asyncio.timeout(0.3):  # the chat is free at once, not in 30 s
            async with store.lock(KEY):
                pass
    finally:
        await store.close()
        with contextlib.suppress(Exception):
            await direct.delete(KEY.redis_key(prefix, "lock"))
        await direct.aclose()


async def test_an_update_that_fails_inside_the_lock_releases_it(redis_url: str) -> None:
    prefix = f"razem-test-{uuid.uuid4().hex[:10]}"
    store = RedisStateStore.from_url(redis_url, prefix=prefix, lock_timeout=0.5)
    with pytest.raises(ZeroDivisionError):
        async with store.lock(KEY):
            _ = 1 / 0
    async with asyncio.timeout(0.3), store.lock(KEY):
        pass
    await store.close()
