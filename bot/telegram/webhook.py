"""`razem run --webhook URL`: Telegram posts updates to us (ASGI, behind a reverse proxy).

Telegram sends our secret in X-Telegram-Bot-Api-Secret-Token; any request without
it is refused with 403. A body that is not a Telegram update (not JSON, not an object,
nested past MAX_DEPTH, over MAX_UPDATE_BYTES, fields of the wrong type) is refused with
400 or 413 before python-telegram-bot sees it; an update of a type we did not ask for
(ALLOWED_UPDATES) is acknowledged and dropped. Telegram retries a webhook delivery it
thinks failed, so each update_id is handled once (claimed in the state store, shared by
all processes).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.state.port import StateStore

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000
SEEN_UPDATE_TTL = 24 * 3600
# What we ask Telegram for (setWebhook and polling alike); anything else is not dispatched.
ALLOWED_UPDATES = ("message", "callback_query")
# Real updates nest about 6 deep (a reply inside a message inside an update); 32 is ample.
MAX_DEPTH = 32
_STRUCTURE = re.compile(rb'[\\"\[\]{}]')


def secret_for(token: str, configured: str | None) -> str:
    """The configured secret, or one derived from the token (the same in every process)."""
    return configured or hashlib.sha256(f"razem-webhook:{token}".encode()).hexdigest()


class _Strict(BaseModel):
    """Only the fields our handlers rely on, with exact JSON types; the rest is passed on."""

    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)


class _User(_Strict):
    id: int = Field(gt=0, lt=2**53)
    is_bot: bool
    first_name: str
    language_code: str | None = None


class _Chat(_Strict):
    id: int = Field(gt=-(2**53), lt=2**53)
    type: str


class _Message(_Strict):
    message_id: int = Field(ge=0, lt=2**53)
    date: int = Field(ge=0, lt=2**53)
    chat: _Chat
    from_: _User | None = Field(default=None, alias="from")
    text: str | None = None
    caption: str | None = None
    message_thread_id: int | None = Field(default=None, ge=0, lt=2**53)


class _CallbackQuery(_Strict):
    id: str
    from_: _User = Field(alias="from")
    data: str | None = None
    message: _Message | None = None


class _Update(_Strict):
    update_id: int = Field(ge=0, lt=2**53)
    message: _Message | None = None
    callback_query: _CallbackQuery | None = None


class NotAnUpdate(ValueError):
    """The body is not a Telegram update we can take (answered 400)."""


def _check_depth(body: bytes) -> None:
    """Refuse nesting deeper than MAX_DEPTH before json.loads, whose recursion would
    otherwise end in RecursionError (a 500) on a body of 100,000 brackets."""
    depth = 0
    in_string = False
    escaped_at = -1  # the position a backslash inside a string escapes
    for match in _STRUCTURE.finditer(body):
        char, position = match.group(), match.start()
        if in_string:
            if position == escaped_at:
                continue
            if char == b"\\":
                escaped_at = position + 1
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise NotAnUpdate("nested too deeply")
        elif char in (b"]", b"}"):
            depth -= 1


def parse_update(body: bytes) -> dict[str, Any] | None:
    """The update as JSON if it is one of ALLOWED_UPDATES, None if it is a well-formed
    update of another type (acknowledged, not dispatched); NotAnUpdate otherwise."""
    _check_depth(body)
    try:
        data = json.loads(body)
        # A lone surrogate ("\ud800") is valid JSON but no valid text: Redis, PostgreSQL
        # and Telegram would all refuse it later, far from here.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as exc:
        raise NotAnUpdate(type(exc).__name__) from None
    if not isinstance(data, dict):
        raise NotAnUpdate("not an object")
    try:
        checked = _Update.model_validate(data)
    except ValidationError:
        raise NotAnUpdate("not the shape of an update") from None
    kinds = [key for key in data if key != "update_id"]
    if len(kinds) != 1:
        raise NotAnUpdate("an update carries exactly one kind of content")
    if kinds[0] not in ALLOWED_UPDATES:
        return None
    if getattr(checked, kinds[0]) is None:
        raise NotAnUpdate("empty content")
    return data


def webhook_app(application: Application, path: str, secret: str, seen: StateStore) -> Starlette:  # type: ignore[type-arg]
    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        body = await _read_capped(request)
        if body is None:
            return PlainTextResponse("too large", status_code=413)
        try:
            data = parse_update(body)
            if data is None:
                return PlainTextResponse("ok")  # not asked for: nothing to do, no retry
            update = Update.de_json(data, application.bot)
        except NotAnUpdate as refused:
            log.info("webhook body refused: %s", refused)
            return PlainTextResponse("not a Telegram update", status_code=400)
        except Exception:  # python-telegram-bot's parsing of fields we do not check
            log.info("webhook body python-telegram-bot could not read", exc_info=True)
            return PlainTextResponse("not a Telegram update", status_code=400)
        if await seen.claim_once(f"telegram-update:{update.update_id}", SEEN_UPDATE_TTL):
            await application.update_queue.put(update)
        return PlainTextResponse("ok")

    return Starlette(routes=[Route(path, receive, methods=["POST"])])


async def _read_capped(request: Request) -> bytes | None:
    """The body, or None past MAX_UPDATE_BYTES (checked as it arrives, not after)."""
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > MAX_UPDATE_BYTES):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPDATE_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def serve_webhook(
    application: Application,  # type: ignore[type-arg]
    url: str,
    listen: str,
    port: int,
    secret: str,
    seen: StateStore,
) -> None:
    path = urlsplit(url).path or "/"
    server = uvicorn.Server(
        uvicorn.Config(
            webhook_app(application, path, secret, seen),
            host=listen,
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        serving = asyncio.create_task(server.serve())
        try:
            # Register only once we listen: Telegram may post the moment it knows the URL.
            while not server.started and not serving.done():
                await asyncio.sleep(0.05)
            if server.started:
                await application.bot.set_webhook(
                    url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
                )
            await serving
        finally:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
