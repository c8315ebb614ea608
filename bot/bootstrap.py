"""The composition root: Settings in, connected adapters out.

The only place that picks adapters (SQLite or PostgreSQL, memory or Redis).
Nothing connects at import time.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis as SyncRedis
from redis.exceptions import RedisError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ConfigError
from bot.settings import Settings
from bot.state.memory import MemoryStateStore
from bot.state.port import StateStore
from bot.state.redis import RedisStateStore
from bot.storage.db import check_database, create_engine_for, make_session_factory


@dataclass
class Storage:
    engine: Engine
    session_factory: sessionmaker[Session]

    def dispose(self) -> None:
        self.engine.dispose()


def build_storage(settings: Settings, *, check: bool = True) -> Storage:
    """Engine and session factory for the configured database, connected once."""
    engine = create_engine_for(settings.database_url)
    if check:
        check_database(engine)
    return Storage(engine, make_session_factory(engine))


def build_state_store(settings: Settings) -> StateStore:
    """Redis when RAZEM_REDIS_URL is set (checked with a PING), else process memory.

    The Redis store makes its asyncio client later, in the event loop that uses it:
    a client made here, in a loop of its own, would fail on the running loop's first
    update.
    """
    if settings.redis_url is None:
        return MemoryStateStore()
    check_redis(settings.redis_url)
    return RedisStateStore.from_url(settings.redis_url)


def check_redis(url: str) -> None:
    """PING once with a short-lived synchronous client (no event loop involved)."""
    client = SyncRedis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        where = client.connection_pool.connection_kwargs
        target = f"{where.get('host', '?')}:{where.get('port', '?')}"
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"RAZEM_REDIS_URL: cannot connect to {target}: {reason}") from None
    finally:
        client.close()


def check_state_store(settings: Settings) -> str:
    """Connect to the state store once and say which one it is."""
    return "memory" if isinstance(build_state_store(settings), MemoryStateStore) else "redis"
