"""How `razem web` serves the console: one uvicorn configuration, also used by tests.

Proxy headers are never read by uvicorn: it would believe X-Forwarded-For from any
local process. The console decides itself, from RAZEM_TRUSTED_PROXIES
(bot.web.security.client_address). The access log never shows one-time
password-set links: bot.logging_setup redacts them (installed by `razem` at start).
"""

from __future__ import annotations

from typing import Any

import uvicorn
from starlette.types import ASGIApp

from bot.logging_setup import install_redaction
from bot.settings import Settings


def uvicorn_config(
    app: ASGIApp, host: str, port: int, settings: Settings, **extra: Any
) -> uvicorn.Config:
    install_redaction()  # also when started without `razem` (tests, an own launcher)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
        server_header=False,
        **extra,
    )
