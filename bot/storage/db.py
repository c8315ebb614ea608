"""The engine and the one session factory.

Nothing connects at import time. Only the bootstrap (`bot.bootstrap.open_storage`)
and Alembic's env.py call `create_engine_for`; everything else asks the bootstrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ConfigError

DATABASE_VARIABLE = "RAZEM_DATABASE_URL"


@dataclass
class Storage:
    """An engine and the session factory on it."""

    engine: Engine
    session_factory: sessionmaker[Session]

    def dispose(self) -> None:
        self.engine.dispose()


def create_engine_for(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and its folder created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"{DATABASE_VARIABLE}: not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; erasure relies on ON DELETE.
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the bot and the console read while the other writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def check_database(engine: Engine) -> None:
    """Connect once, raising a one-line ConfigError naming the cause."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        url = engine.url
        where = f"{url.host or 'localhost'}:{url.port or 5432}" if url.host else str(url.database)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ConfigError(f"{DATABASE_VARIABLE}: cannot connect to {where}: {reason}") from None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """The one session factory. Use ``with factory.begin() as session:`` per use case."""
    return sessionmaker(engine, expire_on_commit=False)
