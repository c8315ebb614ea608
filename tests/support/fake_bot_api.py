"""A local fake of the Telegram Bot API, over real HTTP on 127.0.0.1.

python-telegram-bot is pointed at it with `base_url`, exactly as at a self-hosted
telegram-bot-api server. It records every call the bot makes, serves updates a
test injects (long polling), and can answer the next calls with 429 or 5xx, fail
every call for a while (a storm, an outage), or lose answers after acting.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_ID = 777000
TOKEN = "123456:TEST-token"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200


def _person(user_id: int, language_code: str | None) -> dict[str, Any]:
    """The Telegram user a simulated migrant writes as."""
    return {"id": user_id, "is_bot": False, "first_name": "Olena", "language_code": language_code}


@dataclass
class FakeBotApi:
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[str, int, int | None]] = field(default_factory=list)
    outages: list[tuple[str, int, int | None, float]] = field(default_factory=list)
    lost_answers: dict[str, int] = field(default_factory=dict)
    valid_token: str = TOKEN
    _update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(100))
    _cond: threading.Condition = field(default_factory=threading.Condition)

    # --- what tests do --------------------------------------------------------------

    def inject(self, kind: str, payload: dict[str, Any]) -> int:
        with self._cond:
            update_id = next(self._update_ids)
            self.updates.append({"update_id": update_id, kind: payload})
            self._cond.notify_all()
            return update_id

    def text(
        self,
        chat_id: int,
        text: str,
        *,
        language_code: str | None = "uk",
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> int:
        user = _person(user_id or chat_id, language_code)
        entities = (
            [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if text.startswith("/")
            else []
        )
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat_id, "type": chat_type, "first_name": "Olena"},
            "from": user,
        }
        if entities:
            message["entities"] = entities
        return self.inject("message", message)

    def press(
        self,
        chat_id: int,
        data: str,
        *,
        language_code: str | None = "uk",
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> int:
        user = _person(user_id or chat_id, language_code)
        message = {
            "message_id": 1,
            "date": int(time.time()),
            "text": "…",
            "chat": {"id": chat_id, "type": chat_type},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Razem"},
        }
        return self.inject(
            "callback_query",
            {
                "id": str(next(self._update_ids) * 1000),
                "from": user,
                "chat_instance": "x",
                "data": data,
                "message": message,
            },
        )

    def photo(self, chat_id: int, *, language_code: str | None = "uk") -> int:
        user = _person(chat_id, language_code)
        return self.inject("message", {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"}, "from": user,
            "photo": [{"file_id": "photo-1", "file_unique_id": "u1", "width": 90, "height": 90}],
        })  # fmt: skip

    def sticker(self, chat_id: int, *, language_code: str | None = "uk") -> int:
        user = _person(chat_id, language_code)
        return self.inject("message", {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"}, "from": user,
            "sticker": {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 1, "height": 1,
                        "is_animated": False, "is_video": False},
        })  # fmt: skip

    def topic_text(self, chat_id: int, topic_id: int, text: str, *, user_id: int) -> int:
        """A staff member writes in a forum topic of a partner group."""
        user = {"id": user_id, "is_bot": False, "first_name": "Staff"}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat_id, "type": "supergroup", "title": "Queue", "is_forum": True},
            "from": user,
            "message_thread_id": topic_id,
            "is_topic_message": True,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return self.inject("message", message)

    def fail_next(self, method: str, status: int, retry_after: int | None = None) -> None:
        self.failures.append((method, status, retry_after))

    def outage(
        self, method: str, status: int, seconds: float, retry_after: int | None = None
    ) -> None:
        """Every call of ``method`` ("*": every method but getUpdates) fails with ``status``
        for the next ``seconds``: a 429 storm or a 502 outage."""
        self.outages.append((method, status, retry_after, time.monotonic() + seconds))

    def lose_answers(self, method: str, count: int) -> None:
        """The next ``count`` calls of ``method`` are carried out, but the bot gets a 502
        instead of the answer (as when a connection drops after Telegram acted)."""
        self.lost_answers[method] = self.lost_answers.get(method, 0) + count

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        """What the bot delivered (calls answered with an error don't count)."""
        return [c.params for c in self.calls if c.method == method and c.status == 200
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]  # fmt: skip

    def wait_for(self, predicate: Any, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.02)
        raise AssertionError("timed out waiting for the bot")

    def wait_sent(self, chat_id: int, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """All messages to the chat once at least ``count`` came and no more arrive."""
        self.wait_for(lambda: len(self.sent(chat_id=chat_id)) >= count, timeout)
        seen = -1
        while seen != len(self.sent(chat_id=chat_id)):  # an answer can be several messages
            seen = len(self.sent(chat_id=chat_id))
            time.sleep(0.3)
        return self.sent(chat_id=chat_id)

    # --- what the bot calls ---------------------------------------------------------

    def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if token != self.valid_token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        call = Call(method, params)
        self.calls.append(call)
        now = time.monotonic()
        for failing, status, retry_after, until in self.outages:
            if now < until and (failing == method or (failing == "*" and method != "getUpdates")):
                call.status = status
                return status, _error(status, retry_after)
        if self.lost_answers.get(method):
            self.lost_answers[method] -= 1
            self._result(method, params)  # done, and the answer is lost on the way back
            return 502, _error(502, None)
        for index, (failing, status, retry_after) in enumerate(self.failures):
            if failing == method:
                del self.failures[index]
                call.status = status
                return status, _error(status, retry_after)
        return 200, {"ok": True, "result": self._result(method, params)}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        now = int(time.time())
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Razem",
                "username": "razem_test_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getUpdates":
            return self._get_updates(
                int(params.get("offset", 0) or 0), float(params.get("timeout", 0) or 0)
            )
        if method == "editMessageText":
            chat = {"id": int(params.get("chat_id", 0)), "type": "supergroup"}
            return {
                "message_id": int(params.get("message_id", 0)),
                "date": now,
                "chat": chat,
                "text": params.get("text", ""),
            }
        if method in ("sendMessage", "sendPhoto", "sendDocument", "sendVoice", "copyMessage"):
            chat = {"id": int(params.get("chat_id", 0)), "type": "private"}
            return {
                "message_id": next(self._message_ids),
                "date": now,
                "chat": chat,
                "text": params.get("text", ""),
            }
        if method == "createForumTopic":
            return {
                "message_thread_id": next(self._message_ids),
                "name": params.get("name"),
                "icon_color": 0,
            }
        return True

    def _get_updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + min(timeout, 1.0)
        with self._cond:
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                if pending or time.monotonic() >= deadline:
                    return pending
                self._cond.wait(max(0.0, deadline - time.monotonic()))


def _error(status: int, retry_after: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": f"fake {status}"}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


class _Handler(BaseHTTPRequestHandler):
    api: FakeBotApi

    def do_POST(self) -> None:
        _, _, rest = self.path.partition("/bot")
        token, _, method = rest.partition("/")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        params = _parse(self.headers.get("Content-Type", ""), raw)
        status, body = self.api.handle(token, method, params)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST

    def log_message(self, *args: Any) -> None:
        pass


def _parse(content_type: str, raw: bytes) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                values[str(name)] = {
                    "filename": part.get_filename(),
                    "size": len(part.get_payload(decode=True) or b""),
                }
            else:
                values[str(name)] = part.get_content()
    else:
        values = {
            k: v[0] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()
        }
    for key, value in list(values.items()):
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(json.JSONDecodeError):
                values[key] = json.loads(value)
    return values


@contextmanager
def running_fake_bot_api() -> Iterator[tuple[FakeBotApi, str]]:
    """A started fake and its base URL (pass as RAZEM_TELEGRAM_BASE_URL)."""
    api = FakeBotApi()
    handler = type("Handler", (_Handler,), {"api": api})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api, f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()
