"""Secrets never reach the log: the bot token in httpx's request lines (INFO) and the
one-time password-set links in the console's access log."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from bot.domain import ConsoleRole
from bot.logging_setup import REDACTED, redact
from bot.services import accounts
from bot.web.app import create_app
from bot.web.serving import uvicorn_config
from tests.cli.test_cli import RAZEM, REPO, _clean_env, razem
from tests.nlu.conftest import model_path  # noqa: F401 - shared fixture
from tests.support.fake_bot_api import running_fake_bot_api
from tests.support.ports import free_port
from tests.web.conftest import Console

# Shaped like a real one (id:35 characters), so the fake accepts it and the pattern is tested.
REAL_LOOKING_TOKEN = "7012345678:AAHk3l_Zq9VxW8e2RkJtYb-5uNcPdQ4sLmO"


def test_the_bot_token_is_not_in_the_log_at_info(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # The model `make install` built, if there is one: training another takes minutes.
    model = REPO / "var" / "nlu-model.pkl"
    if not model.exists():
        model = request.getfixturevalue("model_path")
    env = {"RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "RAZEM_NLU_MODEL_PATH": str(model), "RAZEM_LOG_LEVEL": "INFO"}  # fmt: skip
    assert razem("db", "upgrade", env=env).returncode == 0
    with running_fake_bot_api() as (api, base_url):
        api.valid_token = REAL_LOOKING_TOKEN
        env |= {"TELEGRAM_BOT_TOKEN": REAL_LOOKING_TOKEN, "RAZEM_TELEGRAM_BASE_URL": base_url}
        process = subprocess.Popen([RAZEM, "run"], env=_clean_env(env), cwd=REPO,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
        try:
            api.wait_for(lambda: sum(c.method == "getUpdates" for c in api.calls) >= 2, timeout=60)
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = process.communicate(timeout=30)
    assert "HTTP Request" in output  # httpx did log its request lines at INFO
    assert REAL_LOOKING_TOKEN not in output
    assert REAL_LOOKING_TOKEN.split(":")[1] not in output
    assert f"bot{REDACTED}/getUpdates" in output


def test_redaction_of_known_shapes() -> None:
    line = f'HTTP Request: POST https://api.telegram.org/bot{REAL_LOOKING_TOKEN}/getMe "200 OK"'
    assert (
        redact(line) == f'HTTP Request: POST https://api.telegram.org/bot{REDACTED}/getMe "200 OK"'
    )
    assert (
        redact('"GET /setup/abc_DEF-123 HTTP/1.1" 200') == f'"GET /setup/{REDACTED} HTTP/1.1" 200'
    )
    assert redact("case 12345: 3 messages") == "case 12345: 3 messages"


def test_password_set_links_are_not_in_the_access_log(
    console: Console, capfd: pytest.CaptureFixture[str]
) -> None:
    token = accounts.add_account(console.storage.session_factory, "new@example.org", ConsoleRole.VIEWER, None)  # fmt: skip
    settings = console.settings.model_copy(update={"log_level": "INFO"})
    port = free_port()
    server = __import__("uvicorn").Server(uvicorn_config(create_app(settings), "127.0.0.1", port, settings))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        assert httpx.get(f"http://127.0.0.1:{port}/setup/{token}").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/setup/{token}?again=1").status_code == 200
    finally:
        server.should_exit = True
        thread.join(10)
    captured = capfd.readouterr()
    log = captured.out + captured.err
    assert f"/setup/{REDACTED}" in log  # the access log was written
    assert token not in log
