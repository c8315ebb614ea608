"""Wiring in one place: only the bootstrap opens databases and builds the runtime."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

from bot.bootstrap import build_app
from bot.domain import Channel
from bot.flows import events as e
from bot.settings import Settings
from bot.state.memory import MemoryStateStore
from tests.conftest import REPO
from tests.nlu.conftest import model_path  # noqa: F401 - shared fixture

# Alembic's env.py may open a URL it is given, through bot/storage/db.py.
ALLOWED = {"bot/bootstrap.py", "bot/storage/db.py", "bot/storage/migrations/env.py"}
MAKING_ENGINES = re.compile(r"create_engine|sessionmaker\(|make_session_factory\(|Conversations\(")


def test_nothing_but_the_bootstrap_makes_engines_session_factories_or_the_runtime() -> None:
    found = []
    for folder in ("bot", "nlu", "tests", "benchmarks"):
        for path in sorted((REPO / folder).rglob("*.py")):
            name = path.relative_to(REPO).as_posix()
            if name in ALLOWED | {"bot/runtime.py", "tests/storage/test_wiring.py"}:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if MAKING_ENGINES.search(line):
                    found.append(f"{name}:{number}: {line.strip()}")
    # Tests may build a runtime around a fixed NLU or state store; they still get
    # their storage from the bootstrap.
    found = [f for f in found if not (f.startswith("tests/") and "Conversations(" in f)]
    assert found == []


def test_build_app_gives_a_working_runtime_and_closes(
    migrated_sqlite_template: Path,
    tmp_path: Path,
    model_path: Path,  # noqa: F811
) -> None:
    database = tmp_path / "razem.db"
    shutil.copy(migrated_sqlite_template, database)
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{database}", nlu_model_path=model_path
    )  # type: ignore[call-arg]
    app = build_app(settings)
    assert isinstance(app.state, MemoryStateStore)
    assert app.conversations.factory is app.storage.session_factory

    async def talk() -> str:
        try:
            replies = await app.conversations.on_event(
                Channel.TERMINAL, "wiring", e.Command("emergency", "en")
            )
            return "\n".join(reply.text for reply in replies)
        finally:
            await app.close()

    assert "112" in asyncio.run(talk())
