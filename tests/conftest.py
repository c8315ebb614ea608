"""Fixtures shared by all tests: real databases and the real Redis server."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from bot.bootstrap import Storage, open_storage
from bot.storage import migrate
from bot.storage.models import Base
from tests.support.services import require_service

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = require_service("RAZEM_TEST_POSTGRES_URL")
    try:
        open_storage(url).dispose()
    except Exception as exc:
        require_service("RAZEM_TEST_POSTGRES_URL", f"PostgreSQL unreachable: {exc}")
    return url


def url_with_schema(server_url: str, schema: str) -> str:
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


class PostgresSchemas:
    """Creates throw-away schemas in the test database, dropping them at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.admin = open_storage(server_url, check=False).engine
        self.created: list[str] = []

    def new(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.created.append(schema)
        return url_with_schema(self.server_url, schema)

    def drop_all(self) -> None:
        with self.admin.begin() as connection:
            for schema in self.created:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_schemas(postgres_server_url: str) -> Iterator[PostgresSchemas]:
    schemas = PostgresSchemas(postgres_server_url)
    yield schemas
    schemas.drop_all()


@pytest.fixture
def empty_postgres_url(postgres_schemas: PostgresSchemas) -> str:
    """A URL whose search_path is a new, empty schema."""
    return postgres_schemas.new()


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_schemas: PostgresSchemas) -> str:
    url = postgres_schemas.new()
    storage = open_storage(url)
    migrate.upgrade(storage.engine)
    storage.dispose()
    return url


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "razem.db"
    storage = open_storage(f"sqlite:///{path}")
    migrate.upgrade(storage.engine)
    storage.dispose()
    return path


def _truncate_all(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite_template: Path
) -> str:
    """A migrated, empty database on each engine: a copied SQLite file, or a
    PostgreSQL schema truncated before the test."""
    if request.param == "sqlite":
        path = tmp_path / "razem.db"
        shutil.copy(migrated_sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("migrated_postgres_url")
    storage = open_storage(url)
    _truncate_all(storage.engine)
    storage.dispose()
    return url


@pytest.fixture
def storage(database_url: str) -> Iterator[Storage]:
    storage = open_storage(database_url, check=False)
    yield storage
    storage.dispose()


@pytest.fixture
def redis_url() -> str:
    return require_service("RAZEM_TEST_REDIS_URL")
