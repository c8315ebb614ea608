"""`razem run --webhook`: the secret header, 403 without it, each update_id handled once."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time

import httpx

from tests.cli.test_cli import RAZEM, REPO, _clean_env
from tests.support.fake_bot_api import TOKEN, running_fake_bot_api


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def update(update_id: int, chat_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Ahmad", "language_code": "en"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else [],
    }}  # fmt: skip


def test_webhook_requests_need_the_secret_and_retries_are_handled_once(
    database: dict[str, str],
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    with running_fake_bot_api() as (api, base_url):
        env = database | {"TELEGRAM_BOT_TOKEN": TOKEN, "RAZEM_TELEGRAM_BASE_URL": base_url,
                          "RAZEM_WEBHOOK_SECRET": "s3cret_token-1"}  # fmt: skip
        process = subprocess.Popen([RAZEM, "run", "--webhook", url, "--port", str(port)], env=_clean_env(env),
                                   cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            api.wait_for(lambda: bool(api.sent("setWebhook")), timeout=60)
            registered = api.sent("setWebhook")[0]
            assert registered["url"] == url and registered["secret_token"] == "s3cret_token-1"
            assert not any(c.method == "getUpdates" for c in api.calls)  # no polling

            body = json.dumps(update(1, 8001, "/emergency"))
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                response = httpx.post(url, content=body, headers=headers, timeout=10)
                assert response.status_code == 403
            assert httpx.post(url, content="not json", timeout=10,
                              headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret_token-1"}).status_code in (400, 403)  # fmt: skip
            good = {
                "X-Telegram-Bot-Api-Secret-Token": "s3cret_token-1",
                "Content-Type": "application/json",
            }
            assert httpx.post(url, content="not json", headers=good, timeout=10).status_code == 400
            for _ in range(3):  # Telegram retrying the same delivery
                assert httpx.post(url, content=body, headers=good, timeout=10).status_code == 200
            api.wait_sent(8001, 1)
            assert len(api.sent(chat_id=8001)) == 1 and "112" in api.sent(chat_id=8001)[0]["text"]

            # Updates of one chat are handled in order.
            for update_id, text in ((2, "/start"), (3, "/help")):
                httpx.post(
                    url, content=json.dumps(update(update_id, 8002, text)), headers=good, timeout=10
                )
            sent = api.wait_sent(8002, 2)
            assert "Razem" in sent[0]["text"] and "/emergency" in sent[-1]["text"]
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


def test_a_webhook_url_telegram_would_refuse_is_one_clear_line(database: dict[str, str]) -> None:
    from tests.cli.test_cli import assert_one_line_error, razem

    with running_fake_bot_api() as (_api, base_url):
        env = database | {"TELEGRAM_BOT_TOKEN": TOKEN, "RAZEM_TELEGRAM_BASE_URL": base_url}
        assert_one_line_error(razem("run", "--webhook", "http://bot.example.org/hook", env=env),
                              "--webhook: Telegram needs an https URL")  # fmt: skip
