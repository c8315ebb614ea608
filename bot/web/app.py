"""`razem web`: the console as one Starlette application."""

from __future__ import annotations

import gc
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.bootstrap import Storage, open_storage
from bot.errors import ConfigError
from bot.settings import Environment, Settings
from bot.web.console import Console, PlainError
from bot.web.pages import audit, auth, cases, dashboard, faq, insights, partners
from bot.web.security import SecurityHeaders

log = logging.getLogger(__name__)
STATIC = __file__.rsplit("/", 1)[0] + "/static"


def console_secret(settings: Settings) -> bytes:
    """RAZEM_SECRET_KEY; required outside development (sessions would not survive a
    restart and could not be shared by several processes)."""
    if settings.secret_key is not None and settings.secret_key.get_secret_value().strip():
        value = settings.secret_key.get_secret_value()
        if len(value) < 16:
            raise ConfigError("RAZEM_SECRET_KEY: use at least 16 random characters")
        return hashlib.sha256(b"razem-console|" + value.encode()).digest()
    if settings.environment != Environment.DEVELOPMENT:
        raise ConfigError("RAZEM_SECRET_KEY: required outside development (razem web)")
    log.warning("RAZEM_SECRET_KEY is not set: a random one is used until this process stops")
    return secrets.token_bytes(32)


def create_app(settings: Settings, storage: Storage | None = None) -> Starlette:
    """The console on ``storage`` (kept open: the caller's), or on a storage of its own
    from the settings, closed when the app stops."""
    secret = console_secret(settings)
    owned = storage is None
    if storage is None:
        storage = open_storage(settings.database_url, current_schema=True)
    console = Console(settings, storage.session_factory, secret)
    routes = [
        *auth.routes(console),
        *dashboard.routes(console),
        *faq.routes(console),
        *cases.routes(console),
        *partners.routes(console),
        *insights.routes(console),
        *audit.routes(console),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainError(404)

    async def failed(request: Request, exc: Exception) -> Response:
        log.exception("console error on %s %s", request.method, request.url.path)
        return PlainError(500)

    return Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, hsts=settings.environment != Environment.DEVELOPMENT)
        ],
        exception_handlers={404: not_found, 405: not_found, 500: failed},
        lifespan=_disposing(storage if owned else None),
    )


def _disposing(storage: Storage | None) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # What was loaded at start-up (NLU-free, but SQLAlchemy, Babel, Jinja: ~150,000
        # objects) stays for the process's life: keep the collector from rescanning it on
        # every full collection, which otherwise adds ~80 ms pauses to page loads.
        gc.collect()
        gc.freeze()
        yield
        if storage is not None:
            storage.dispose()

    return lifespan
