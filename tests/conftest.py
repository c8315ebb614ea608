"""Fixtures shared by all tests: real databases, the real Redis server, one NLU model;
and the markers that sort tests into lanes (`make test-fast` runs the pure and SQLite
ones; `make test` runs everything)."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import CodeType

import pytest
from sqlalchemy import Engine, make_url, text

from bot.bootstrap import Storage, open_storage
from bot.seed.loader import SeedData, read_seed_data, seed
from bot.storage import migrate
from bot.storage.models import Base
from nlu.builtin import BuiltinEngine
from nlu.model import TrainedModel
from tests.support.nlu_model import trained_model_path
from tests.support.services import require_service

REPO = Path(__file__).resolve().parent.parent

# What puts a test in each lane. A fixture in the test's closure (direct or through
# other fixtures), or a parameter value of a fixture that asks for the service at run
# time (request.getfixturevalue), as `database_url` does.
POSTGRES_FIXTURES = {"postgres_server_url"}
REDIS_FIXTURES = {"redis_url"}
BROWSER_FIXTURES = {"browser", "page"}
# A test or fixture whose code names one of these starts `razem` as a process.
SUBPROCESS_NAMES = {"razem", "RAZEM"}


def _names_in(code: CodeType) -> set[str]:
    """Global and local names a function's code uses, nested functions included."""
    names = {*code.co_names, *code.co_varnames}
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names |= _names_in(constant)
    return names


def _starts_razem(item: pytest.Function) -> bool:
    functions = [item.function]
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        functions.extend(definition.func for definition in definitions)
    return any(
        SUBPROCESS_NAMES & _names_in(function.__code__)
        for function in functions
        if hasattr(function, "__code__")
    )


def lanes_of(item: pytest.Function) -> set[str]:
    """The markers `pytest_collection_modifyitems` gives this test."""
    callspec = getattr(item, "callspec", None)
    params = {v for v in (callspec.params.values() if callspec else ()) if isinstance(v, str)}
    fixtures = set(item.fixturenames)
    lanes = set()
    if fixtures & POSTGRES_FIXTURES or "postgres" in params:
        lanes.add("postgres")
    if fixtures & REDIS_FIXTURES or "redis" in params:
        lanes.add("redis")
    if fixtures & BROWSER_FIXTURES:
        lanes.add("browser")
    if _starts_razem(item):
        lanes.add("subprocess")
    return lanes


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--lanes-to",
        metavar="PATH",
        help="write the lanes (markers given at collection) of every collected test to PATH as JSON",
    )


# tryfirst: before `-m` deselects by these markers.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    lanes: dict[str, list[str]] = {}
    for item in items:
        if isinstance(item, pytest.Function):
            lanes[item.nodeid] = sorted(lanes_of(item))
            for lane in lanes[item.nodeid]:
                item.add_marker(lane)
    if path := config.getoption("lanes_to"):
        Path(path).write_text(json.dumps(lanes, indent=1), encoding="utf-8")


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


@pytest.fixture(scope="session")
def seed_data() -> SeedData:
    """data/ read and validated once (frozen: no test can change it for the next)."""
    return read_seed_data(REPO / "data")


@pytest.fixture
def seeded(storage: Storage, seed_data: SeedData) -> Storage:
    """`storage` with the partners, routing and FAQ of data/."""
    seed(storage.session_factory, seed_data)
    return storage


@pytest.fixture(scope="session")
def model_path() -> Path:
    return trained_model_path()


@pytest.fixture(scope="session")
def engine(model_path: Path) -> BuiltinEngine:
    return BuiltinEngine(TrainedModel.load(model_path))
