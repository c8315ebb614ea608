"""Fixtures for the Telegram tests: a seeded database and `razem run` against the fake API."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import RAZEM, REPO, _clean_env, razem
from tests.nlu.conftest import engine, model_path  # noqa: F401 - shared fixtures
from tests.support.fake_bot_api import TOKEN, FakeBotApi, running_fake_bot_api


@pytest.fixture
def database(tmp_path: Path, model_path: Path) -> dict[str, str]:  # noqa: F811
    env = {"RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "RAZEM_NLU_MODEL_PATH": str(model_path),
           "RAZEM_LOG_LEVEL": "WARNING", "RAZEM_FAQ_SHOW_DRAFTS": "true"}  # fmt: skip
    assert razem("db", "upgrade", env=env).returncode == 0
    assert razem("seed", env=env).returncode == 0
    return env


@pytest.fixture
def bot(database: dict[str, str], tmp_path: Path) -> Iterator[tuple[FakeBotApi, dict[str, str]]]:
    # The bot's output goes to a file: a pipe nobody reads fills up and stalls the bot.
    with running_fake_bot_api() as (api, base_url), open(tmp_path / "bot.log", "w") as output:
        env = database | {"TELEGRAM_BOT_TOKEN": TOKEN, "RAZEM_TELEGRAM_BASE_URL": base_url}
        process = subprocess.Popen([RAZEM, "run"], env=_clean_env(env), cwd=REPO,
                                   stdout=output, stderr=subprocess.STDOUT, text=True)  # fmt: skip
        try:
            api.wait_for(lambda: any(c.method == "getUpdates" for c in api.calls), timeout=60)
            yield api, env
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
