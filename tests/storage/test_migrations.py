"""Alembic migrations are the only way the schema is made: on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.bootstrap import open_storage
from bot.storage import migrate
from bot.storage.models import Base

EXPECTED_TABLES = {
    "partners",
    "staff_members",
    "clients",
    "cases",
    "case_messages",
    "faq_entries",
    "faq_translations",
    "faq_revisions",
    "routing_rules",
    "routing_targets",
    "audit_log",
    "outbox",
}


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    url: str = request.getfixturevalue("empty_postgres_url")
    return url


def test_empty_database_upgrades_to_head_and_back_down(empty_database_url: str) -> None:
    engine = open_storage(empty_database_url).engine
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES

    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    migrate.upgrade(engine)  # and up again: downgrade left nothing behind
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_migrations_create_exactly_what_the_models_describe(empty_database_url: str) -> None:
    engine = open_storage(empty_database_url).engine
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
