"""The `razem` command as an operator uses it: real processes, real databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import open_storage
from bot.storage.models import FaqEntry, Partner
from tests.conftest import REPO

# _clean_env and RAZEM stay importable from here for the modules that still do.
from tests.support.razem_cli import RAZEM, assert_one_line_error, razem  # noqa: F401
from tests.support.razem_cli import clean_env as _clean_env  # noqa: F401


def test_help_lists_the_subcommands_and_each_has_help() -> None:
    result = razem("--help")
    assert result.returncode == 0
    for command in ("db", "seed", "check"):
        assert command in result.stdout
    for args in (
        ["db", "--help"],
        ["db", "upgrade", "--help"],
        ["db", "downgrade", "--help"],
        ["seed", "--help"],
        ["check", "--help"],
    ):
        assert razem(*args).returncode == 0, args


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["seed", "--bogus"], "--bogus"),
        (["db"], "required"),
        ([], "required"),
    ],
)
def test_unknown_commands_and_options_exit_2_with_one_line(args: list[str], needle: str) -> None:
    assert_one_line_error(razem(*args), needle)


@pytest.mark.parametrize(
    ("env", "needles"),
    [
        ({"RAZEM_DATABASE_URL": "mysql://db/razem"}, ["RAZEM_DATABASE_URL", "unsupported scheme"]),
        (
            {"RAZEM_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/test"},
            ["RAZEM_DATABASE_URL", "cannot connect to 127.0.0.1:1"],
        ),
        ({"RAZEM_REDIS_URL": "http://cache"}, ["RAZEM_REDIS_URL", "unsupported scheme"]),
        ({"RAZEM_REDIS_URL": "redis://127.0.0.1:1/0"}, ["RAZEM_REDIS_URL", "127.0.0.1:1"]),
        ({"RAZEM_DEFAULT_LOCALE": "de"}, ["RAZEM_DEFAULT_LOCALE", "uk, ru, en, pl"]),
    ],
)
def test_bad_configuration_names_the_variable_and_the_cause(
    tmp_path: Path, env: dict[str, str], needles: list[str]
) -> None:
    env = {"RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"} | env
    assert_one_line_error(razem("check", env=env, cwd=tmp_path), *needles)


def test_seed_on_an_unmigrated_database_says_what_to_do(tmp_path: Path) -> None:
    env = {"RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    assert_one_line_error(razem("seed", env=env), "run razem db upgrade")


def test_malformed_seed_file_is_named_with_its_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("partners.yml", "routing.yml", "faq.yml"):
        (data / name).write_text(
            (REPO / "data" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    (data / "routing.yml").write_text(
        "version: 1\nfallback: consortium\nrules:\n  - city: Paris\n    partners: [sip]\n"
    )
    env = {"RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    assert razem("db", "upgrade", env=env).returncode == 0
    assert_one_line_error(
        razem("seed", "--data", str(data), env=env), "routing.yml:4: rules[0].city"
    )


def test_upgrade_seed_seed_on_postgres_leaves_each_row_once(empty_postgres_url: str) -> None:
    env = {"RAZEM_DATABASE_URL": empty_postgres_url}
    upgrade = razem("db", "upgrade", env=env)
    assert upgrade.returncode == 0, upgrade.stderr
    first = razem("seed", env=env)
    second = razem("seed", env=env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "partners: 10 created" in first.stdout
    assert "partners: 0 created, 0 updated, 10 unchanged" in second.stdout

    storage = open_storage(empty_postgres_url)
    with storage.session_factory() as session:
        organisations = session.scalar(
            select(func.count()).select_from(Partner).where(Partner.is_fallback.is_(False))
        )
        slugs = session.scalars(select(FaqEntry.slug)).all()
    storage.dispose()
    assert organisations == 9
    assert len(slugs) == len(set(slugs)) >= 15

    down = razem("db", "downgrade", "-1", env=env)
    from bot.storage import migrate

    head = migrate.head_revision()
    assert (
        down.returncode == 0 and "database at revision " in down.stdout and head not in down.stdout
    )
    assert "head is" in razem("db", "current", env=env).stdout
    down = razem("db", "downgrade", "base", env=env)
    assert down.returncode == 0 and "base (empty)" in down.stdout
    assert "empty" in razem("db", "current", env=env).stdout


def test_check_reports_the_production_pair(migrated_postgres_url: str, redis_url: str) -> None:
    result = razem(
        "check", env={"RAZEM_DATABASE_URL": migrated_postgres_url, "RAZEM_REDIS_URL": redis_url}
    )
    assert result.returncode == 0, result.stderr
    assert "conversation state: redis" in result.stdout
    assert "postgresql+psycopg" in result.stdout
