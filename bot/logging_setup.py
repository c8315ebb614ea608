"""Logging for every `razem` command, with secrets taken out of every record.

At INFO, httpx logs each Bot API request line, and the URL of a Bot API call holds the
bot token (https://api.telegram.org/bot<TOKEN>/sendMessage); uvicorn's access log holds
every path, and a password-set link (/setup/<token>) signs in whoever opens it. So a
log-record factory — it sees every record of every logger, whatever handlers uvicorn or
anyone installs later — rewrites the message, its arguments and any traceback text:
Telegram-shaped tokens, the configured secrets and /setup/ link tokens become "[redacted]".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings

REDACTED = "[redacted]"
# A Bot API token: the bot's numeric id, a colon, 35 URL-safe characters.
_BOT_TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")
_SETUP_LINK = re.compile(r"(/setup/)[^\s/?#\"']+")

_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    text = _BOT_TOKEN.sub(REDACTED, text)
    return _SETUP_LINK.sub(r"\1" + REDACTED, text)


def add_secrets(values: Iterable[str | None]) -> None:
    """Literal values never to be logged (the configured token, whatever its shape)."""
    # Very short values would blank out ordinary words; real secrets are long.
    _secrets.update(value for value in values if value and len(value) >= 8)


def _clean(value: Any) -> Any:
    if value is None or isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def _redact_record(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, Mapping):
        record.args = {key: _clean(value) for key, value in record.args.items()}
    elif isinstance(record.args, tuple):
        # Element by element, not formatted: uvicorn's access formatter unpacks the tuple.
        record.args = tuple(_clean(value) for value in record.args)
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_redaction(secrets: Iterable[str | None] = ()) -> None:
    """Redact every log record created from now on in this process (idempotent)."""
    global _installed
    add_secrets(secrets)
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(redacting_factory)
    _installed = True


def configure_logging(settings: Settings) -> None:
    """What `razem` does before any command: one format, the level, redaction of the
    configured secrets and of anything shaped like a token."""
    secrets = (settings.telegram_bot_token, settings.webhook_secret, settings.secret_key)
    install_redaction(secret.get_secret_value() for secret in secrets if secret is not None)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
