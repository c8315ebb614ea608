"""Refuse to work on a database whose schema is not at Alembic's head."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.errors import ConfigError
from bot.storage import migrate


def require_current_schema(engine: Engine) -> None:
    current, head = migrate.current_revision(engine), migrate.head_revision()
    if current != head:
        found = current or "an empty database"
        raise ConfigError(
            f"RAZEM_DATABASE_URL: schema is {found}, expected {head}: run razem db upgrade"
        )
