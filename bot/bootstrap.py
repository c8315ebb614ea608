"""The composition root: Settings in, connected adapters out.

The only place that picks adapters (SQLite or PostgreSQL, memory or Redis, the
builtin NLU or Rasa) and the only place anything gets an engine and its session
factory: the commands, the console, the tests and the benchmarks all come here.
Nothing connects at import time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redis import Redis as SyncRedis
from redis.exceptions import RedisError

from bot.errors import ConfigError, RazemError
from bot.settings import Settings
from bot.state.memory import MemoryStateStore
from bot.state.port import StateStore
from bot.state.redis import RedisStateStore
from bot.storage.db import Storage, check_database, create_engine_for, make_session_factory
from bot.storage.guard import require_current_schema

if TYPE_CHECKING:  # the runtime and the NLU load only for the commands that use them
    from bot.runtime import Conversations
    from nlu.api import Engine as NluEngine

__all__ = [
    "App",
    "Storage",
    "build_app",
    "check_redis",
    "check_state_store",
    "open_nlu",
    "open_state_store",
    "open_storage",
]

log = logging.getLogger(__name__)


def open_storage(
    url: str, *, check: bool = True, current_schema: bool = False, **engine_options: Any
) -> Storage:
    """An engine and the one session factory on it.

    ``check`` connects once (a one-line ConfigError naming the cause);
    ``current_schema`` also refuses a schema that is not at Alembic's head.
    ``engine_options`` go to SQLAlchemy (e.g. ``connect_args``).
    """
    engine = create_engine_for(url, **engine_options)
    try:
        if check:
            check_database(engine)
        if current_schema:
            require_current_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return Storage(engine, make_session_factory(engine))


def open_state_store(settings: Settings) -> StateStore:
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
    return "memory" if isinstance(open_state_store(settings), MemoryStateStore) else "redis"


def open_nlu(settings: Settings, storage: Storage | None = None) -> NluEngine:
    """The configured NLU engine (see bot.nlu_setup), with FAQ matching from ``storage``.

    Without ``storage`` (``razem nlu``) the database is tried once; when it can't be
    used, FAQ matching is off and a warning says why.
    """
    from bot.nlu_setup import build_engine  # the model and scikit-learn: only when needed

    if storage is None and not settings.model_path.exists():
        return build_engine(settings, None)  # the one-line "run razem nlu train" first
    if storage is None:
        try:
            storage = open_storage(settings.database_url, current_schema=True)
        except RazemError as exc:
            log.warning("FAQ matching is off: %s", exc.message)
    return build_engine(settings, storage)


@dataclass
class App:
    """Everything a conversation process (the bot, the terminal chat) needs."""

    settings: Settings
    storage: Storage
    state: StateStore
    nlu: NluEngine
    conversations: Conversations

    async def close(self) -> None:
        """Close the state store, then the database. Await it in the event loop that
        ran the conversations: the Redis client belongs to that loop."""
        await self.state.close()
        self.storage.dispose()


def build_app(settings: Settings) -> App:
    """Storage (schema at head), the NLU, the state store and the runtime."""
    from bot.runtime import Conversations

    storage = open_storage(settings.database_url, current_schema=True)
    try:
        nlu = open_nlu(settings, storage)
        state = open_state_store(settings)
    except BaseException:
        storage.dispose()
        raise
    conversations = Conversations(settings, storage.session_factory, state, nlu)
    return App(settings, storage, state, nlu, conversations)
