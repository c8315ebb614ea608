"""`razem run` with RAZEM_REDIS_URL, as a real process against the fake Bot API.

The Redis client must live in the event loop that uses it: built in another loop
(a start-up check's `asyncio.run()`), the first update after every start failed and
left that chat's lock set for 30 s.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.cli.test_cli import RAZEM, REPO, _clean_env
from tests.nlu.conftest import engine, model_path  # noqa: F401 - shared fixtures
from tests.support.fake_bot_api import TOKEN, FakeBotApi, running_fake_bot_api
from tests.telegram.conftest import database  # noqa: F401 - shared fixture
from tests.telegram.test_webhook import free_port, update


def a_chat() -> int:
    """A chat id no other test run on this Redis uses (the server is shared)."""
    return random.randrange(10**9, 2 * 10**9)


@contextmanager
def running_bot(env: dict[str, str], *args: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen([RAZEM, "run", *args], env=_clean_env(env), cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(process.stderr.read() if process.stderr else "")  # shown when a test fails


def answered(api: FakeBotApi, chat: int, count: int) -> list[dict]:
    # Well under the 10 s lock wait and the 30 s lock expiry.
    return api.wait_sent(chat, count, timeout=8)


def test_the_first_update_after_start_is_answered_and_the_chat_stays_free(
    database: dict[str, str],  # noqa: F811
    redis_url: str,
) -> None:
    with running_fake_bot_api() as (api, base_url):
        env = database | {"TELEGRAM_BOT_TOKEN": TOKEN, "RAZEM_TELEGRAM_BASE_URL": base_url,
                          "RAZEM_REDIS_URL": redis_url}  # fmt: skip
        with running_bot(env):
            api.wait_for(lambda: any(c.method == "getUpdates" for c in api.calls), timeout=60)
            chat = a_chat()
            api.text(chat, "/emergency", language_code="en")
            assert "112" in answered(api, chat, 1)[0]["text"]
            api.text(chat, "/emergency", language_code="en")  # the chat's lock was released
            assert "112" in answered(api, chat, 2)[-1]["text"]


def test_the_first_webhook_update_after_start_is_answered(
    database: dict[str, str],  # noqa: F811
    redis_url: str,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret_token-1"}
    with running_fake_bot_api() as (api, base_url):
        env = database | {"TELEGRAM_BOT_TOKEN": TOKEN, "RAZEM_TELEGRAM_BASE_URL": base_url,
                          "RAZEM_REDIS_URL": redis_url, "RAZEM_WEBHOOK_SECRET": headers[
                              "X-Telegram-Bot-Api-Secret-Token"]}  # fmt: skip
        with running_bot(env, "--webhook", url, "--port", str(port)):
            api.wait_for(lambda: bool(api.sent("setWebhook")), timeout=60)
            chat = a_chat()
            for number in (1, 2):  # the second finds the chat's lock released
                body = json.dumps(update(chat * 10 + number, chat, "/emergency"))
                response = httpx.post(url, content=body, headers=headers, timeout=10)
                assert response.status_code == 200
                assert "112" in answered(api, chat, number)[-1]["text"]


def test_the_terminal_chat_with_redis_answers_from_its_first_line(
    database: dict[str, str],  # noqa: F811
    redis_url: str,
) -> None:
    env = database | {"RAZEM_REDIS_URL": redis_url}
    result = subprocess.run([RAZEM, "chat", "--as", str(a_chat()), "--lang", "en"],
                            input="/emergency\n/emergency\n", capture_output=True, text=True,
                            env=_clean_env(env), cwd=REPO, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("116 123") == 2, result.stdout
