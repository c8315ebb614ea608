"""`razem run --webhook URL`: Telegram posts updates to us (ASGI, behind a reverse proxy).

Telegram sends our secret in X-Telegram-Bot-Api-Secret-Token; any request without
it is refused with 403. Telegram retries a webhook delivery it thinks failed, so each
update_id is handled once (claimed in the state store, shared by all processes).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from urllib.parse import urlsplit

import uvicorn
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


def secret_for(token: str, configured: str | None) -> str:
    """The configured secret, or one derived from the token (the same in every process)."""
    return configured or hashlib.sha256(f"razem-webhook:{token}".encode()).hexdigest()


def webhook_app(application: Application, path: str, secret: str, seen: StateStore) -> Starlette:  # type: ignore[type-arg]
    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return PlainTextResponse("too large", status_code=413)
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, TypeError, KeyError):
            return PlainTextResponse("not a Telegram update", status_code=400)
        if update is None:
            return PlainTextResponse("not a Telegram update", status_code=400)
        if await seen.claim_once(f"telegram-update:{update.update_id}", SEEN_UPDATE_TTL):
            await application.update_queue.put(update)
        return PlainTextResponse("ok")

    return Starlette(routes=[Route(path, receive, methods=["POST"])])


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
                    url, secret_token=secret, allowed_updates=["message", "callback_query"]
                )
            await serving
        finally:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
