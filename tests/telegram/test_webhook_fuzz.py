"""The webhook against hostile bodies: random Telegram-shaped JSON (valid shapes, hostile
values, wrong types), JSON that is not an update at all, deep nesting, huge bodies.

Driven through the real Starlette app with a real python-telegram-bot Application (never
started: the test reads what the webhook put on its update queue). Nothing may answer
500 or raise; what reaches the queue is only ever an Update of a type we asked for.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot.state.memory import MemoryStateStore
from bot.telegram.webhook import ALLOWED_UPDATES, SECRET_HEADER, webhook_app
from tests.support.fake_bot_api import TOKEN

SECRET = "fuzz-secret"
HEADERS = {SECRET_HEADER: SECRET, "content-type": "application/json"}


class Client:
    """Posts to the ASGI app in-process; an exception in the app fails the test."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hook") as client:
                return await client.post(path, **kwargs)

        return asyncio.run(send())


@pytest.fixture(scope="module")
def hook() -> Iterator[tuple[Client, Application]]:  # type: ignore[type-arg]
    application = ApplicationBuilder().token(TOKEN).updater(None).build()
    yield Client(webhook_app(application, "/hook", SECRET, MemoryStateStore())), application


def drain(application: Application) -> list[Any]:  # type: ignore[type-arg]
    items = []
    while not application.update_queue.empty():
        items.append(application.update_queue.get_nowait())
    return items


hostile_text = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["\u202e", "\x00", "\ud800", "\u200b" * 20, "💥" * 100, "<b>", "' OR 1=1"]),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text,
    st.integers(min_value=2**63, max_value=2**80), st.just(-1),
)  # fmt: skip
anything = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(value, anything)


user = st.fixed_dictionaries(
    {"id": maybe(st.integers(1, 2**40)), "is_bot": maybe(st.booleans()), "first_name": maybe(hostile_text)},
    optional={"language_code": maybe(st.sampled_from(["uk", "ru", "pl", "en", "xx"])), "username": hostile_text},
)  # fmt: skip
chat = st.fixed_dictionaries(
    {
        "id": maybe(st.integers(-(2**40), 2**40)),
        "type": maybe(st.sampled_from(["private", "group", "supergroup", "channel"])),
    },
    optional={"is_forum": maybe(st.booleans()), "title": hostile_text},
)
message = st.fixed_dictionaries(
    {
        "message_id": maybe(st.integers(1, 2**31)),
        "date": maybe(st.integers(0, 2**31)),
        "chat": maybe(chat),
    },
    optional={
        "from": maybe(user),
        "text": maybe(hostile_text),
        "caption": maybe(hostile_text),
        "message_thread_id": maybe(st.integers()),
        "entities": anything,
        "photo": anything,
        "document": anything,
        "reply_to_message": anything,
    },
)
callback = st.fixed_dictionaries(
    {"id": maybe(hostile_text), "from": maybe(user), "chat_instance": maybe(hostile_text)},
    optional={"data": maybe(hostile_text), "message": maybe(message)},
)
kinds = st.sampled_from([*ALLOWED_UPDATES, "edited_message", "channel_post", "poll", "x"])
updates = st.builds(
    lambda update_id, kind, body, extra: {"update_id": update_id, kind: body} | extra,
    maybe(st.integers(0, 2**31)),
    kinds,
    st.one_of(message, callback, anything),
    st.dictionaries(
        st.sampled_from(["message", "callback_query", "edited_message"]), anything, max_size=2
    ),
)
not_updates = st.one_of(scalars, st.lists(anything, max_size=3), st.just({}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(body=st.one_of(updates, not_updates))
def test_random_update_json_never_breaks_the_webhook(
    hook: tuple[Client, Application],
    body: Any,  # type: ignore[type-arg]
) -> None:
    client, application = hook
    raw = json.dumps(body, ensure_ascii=True)  # \ud800 travels escaped, as JSON allows
    response = client.post("/hook", content=raw, headers=HEADERS)
    assert response.status_code in (200, 400), (response.status_code, raw[:300])
    for item in drain(application):
        assert isinstance(item, Update)
        assert item.message is not None or item.callback_query is not None
    if not isinstance(body, dict):
        assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        "null",
        "[]",
        "[1,2]",
        '"update"',
        "42",
        "4.2",
        "true",
        "{}",
        '{"update_id": "1", "message": {}}',
        '{"update_id": true}',
        '{"update_id": 1, "message": []}',
        "\xff\xfe",
        '{"a": "\\ud800"}',
    ],
)
def test_bodies_that_are_not_updates_get_400(hook: tuple[Client, Application], body: str) -> None:  # type: ignore[type-arg]
    client, application = hook
    assert client.post("/hook", content=body.encode("utf-8", "surrogatepass"), headers=HEADERS).status_code == 400  # fmt: skip
    assert drain(application) == []


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deep_nesting_is_refused_before_parsing(
    hook: tuple[Client, Application], depth: int
) -> None:  # type: ignore[type-arg]
    client, application = hook
    for body in ("[" * depth + "]" * depth, '{"update_id": 1, "message": ' + '{"a":' * depth + "1" + "}" * depth + "}"):  # fmt: skip
        assert client.post("/hook", content=body, headers=HEADERS).status_code == 400
    assert drain(application) == []


def test_a_huge_body_is_refused(hook: tuple[Client, Application]) -> None:  # type: ignore[type-arg]
    client, _ = hook
    body = json.dumps({"update_id": 1, "message": {"text": "x" * 2_000_000}})
    assert client.post("/hook", content=body, headers=HEADERS).status_code == 413


def test_only_the_update_types_asked_for_are_dispatched(hook: tuple[Client, Application]) -> None:  # type: ignore[type-arg]
    client, application = hook
    message = {
        "message_id": 1,
        "date": 1700000000,
        "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "A"},
        "text": "hi",
    }
    edited = client.post(
        "/hook", json={"update_id": 900001, "edited_message": message}, headers=HEADERS
    )
    assert edited.status_code == 200 and drain(application) == []  # acknowledged, not dispatched
    fine = client.post("/hook", json={"update_id": 900002, "message": message}, headers=HEADERS)
    assert fine.status_code == 200
    [update] = drain(application)
    assert update.message.text == "hi"
