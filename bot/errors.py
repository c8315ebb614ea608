"""Errors a person can act on.

Every error Razem raises on purpose carries a short code and a one-line message.
The CLI prints the message and exits 2; the bot says something kind instead and
logs the rest.
"""

from __future__ import annotations


class RazemError(Exception):
    """Base of Razem's own errors: ``code`` is stable, ``message`` is one line."""

    code = "razem_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ConfigError(RazemError):
    """Configuration is missing, malformed or points at something unreachable."""

    code = "config"


class DataError(RazemError):
    """A data file (seed YAML, training data, import) is malformed."""

    code = "data"


class NotFound(RazemError):
    """A thing the caller named does not exist."""

    code = "not_found"
