"""One contract for both conversation-state adapters: process memory and Redis.

The Redis run uses the real server (RAZEM_TEST_REDIS_URL), each test under its
own key prefix, cleaned afterwards.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis

from bot.state.memory import MemoryStateStore
from bot.state.port import LockTimeout, StateKey, StateStore
from bot.state.redis import RedisStateStore

KEY = StateKey("telegram", "1001")
OTHER = StateKey("telegram", "1002")

StoreFactory = Callable[..., Awaitable[StateStore]]


@pytest.fixture(params=["memory", "redis"])
async def make_store(request: pytest.FixtureRequest) -> AsyncIterator[StoreFactory]:
    """Builds stores of one kind; two stores built here share one backend."""
    created: list[StateStore] = []
    if request.param == "memory":
        shared = MemoryStateStore(lock_timeout=0.3)

        async def build(**_: float) -> StateStore:
            return shared

        yield build
        return

    url = request.getfixturevalue("redis_url")
    prefix = f"razem-test-{uuid.uuid4().hex[:10]}"

    async def build_redis(**kwargs: float) -> StateStore:
        options = {"lock_timeout": 0.3, "lock_ttl": 5.0} | kwargs
        store = RedisStateStore(Redis.from_url(url), prefix=prefix, **options)
        created.append(store)
        return store

    yield build_redis
    cleaner = Redis.from_url(url)
    keys = [key async for key in cleaner.scan_iter(match=f"{prefix}:*")]
    if keys:
        await cleaner.delete(*keys)
    await cleaner.aclose()
    for store in created:
        await store.close()


async def test_a_new_chat_has_no_state(make_store: StoreFactory) -> None:
    store = await make_store()
    assert await store.get(KEY) is None


async def test_a_document_round_trips_with_unicode(make_store: StoreFactory) -> None:
    store = await make_store()
    document = {"v": 1, "step": "describe", "lang": "uk", "draft": ["Мені потрібна допомога 🙏"]}
    await store.set(KEY, document, ttl_seconds=60)
    assert await store.get(KEY) == document
    assert await store.get(OTHER) is None


async def test_set_replaces_the_whole_document(make_store: StoreFactory) -> None:
    store = await make_store()
    await store.set(KEY, {"a": 1, "b": 2}, ttl_seconds=60)
    await store.set(KEY, {"a": 3}, ttl_seconds=60)
    assert await store.get(KEY) == {"a": 3}


async def test_changing_a_returned_document_does_not_change_the_store(
    make_store: StoreFactory,
) -> None:
    store = await make_store()
    await store.set(KEY, {"items": [1]}, ttl_seconds=60)
    got = await store.get(KEY)
    assert got is not None
    got["items"].append(2)
    assert await store.get(KEY) == {"items": [1]}


async def test_a_document_expires_after_its_ttl(make_store: StoreFactory) -> None:
    store = await make_store()
    await store.set(KEY, {"a": 1}, ttl_seconds=0.2)
    assert await store.get(KEY) == {"a": 1}
    await asyncio.sleep(0.35)
    assert await store.get(KEY) is None


async def test_delete_forgets_one_chat_only(make_store: StoreFactory) -> None:
    store = await make_store()
    await store.set(KEY, {"a": 1}, ttl_seconds=60)
    await store.set(OTHER, {"b": 2}, ttl_seconds=60)
    await store.delete(KEY)
    await store.delete(KEY)  # deleting twice is fine
    assert await store.get(KEY) is None
    assert await store.get(OTHER) == {"b": 2}


async def test_non_json_documents_and_bad_ttls_are_refused(make_store: StoreFactory) -> None:
    store = await make_store()
    with pytest.raises(TypeError):
        await store.set(KEY, {"when": object()}, ttl_seconds=60)
    with pytest.raises(ValueError):
        await store.set(KEY, {"a": 1}, ttl_seconds=0)
    assert await store.get(KEY) is None


async def test_the_lock_serialises_updates_of_one_chat_across_stores(
    make_store: StoreFactory,
) -> None:
    # Two stores stand for two bot processes. Without the lock the read-modify-write
    # below would lose increments.
    first, second = await make_store(), await make_store(lock_timeout=5.0)
    await first.set(KEY, {"n": 0}, ttl_seconds=60)

    async def increment(store: StateStore) -> None:
        async with store.lock(KEY):
            document = await store.get(KEY)
            assert document is not None
            await asyncio.sleep(0.01)
            await store.set(KEY, {"n": document["n"] + 1}, ttl_seconds=60)

    slow_first = await make_store(lock_timeout=5.0)
    await asyncio.gather(*(increment(s) for s in [slow_first, second] * 5))
    assert await first.get(KEY) == {"n": 10}


async def test_a_busy_chat_times_out_and_other_chats_are_free(make_store: StoreFactory) -> None:
    holder, waiter = await make_store(), await make_store()
    async with holder.lock(KEY):
        with pytest.raises(LockTimeout):
            async with waiter.lock(KEY):
                pass
        async with waiter.lock(OTHER):
            pass
    async with waiter.lock(KEY):  # released after the holder is done
        pass


async def test_the_lock_is_released_when_the_step_fails(make_store: StoreFactory) -> None:
    store = await make_store()
    with pytest.raises(RuntimeError):
        async with store.lock(KEY):
            raise RuntimeError("step failed")
    async with store.lock(KEY):
        pass


def test_keys_are_validated_and_documented() -> None:
    assert KEY.redis_key("razem") == "razem:state:telegram:1001"
    assert KEY.redis_key("razem", "lock") == "razem:lock:telegram:1001"
    for bad in ["", "a:b", "x" * 65]:
        with pytest.raises(ValueError):
            StateKey("telegram", bad)


async def test_a_name_is_claimed_once_across_stores_until_it_expires(
    make_store: StoreFactory,
) -> None:
    first, second = await make_store(), await make_store()
    assert await first.claim_once("update:42", ttl_seconds=0.3)
    assert not await second.claim_once("update:42", ttl_seconds=0.3)
    assert await second.claim_once("update:43", ttl_seconds=0.3)
    await asyncio.sleep(0.45)
    assert await second.claim_once("update:42", ttl_seconds=0.3)
