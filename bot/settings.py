"""One typed Settings object, read from the environment (and `.env`).

Every variable is documented in `.env.example`; a test keeps the two in step.
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain import LANGUAGES
from bot.errors import ConfigError

SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgresql+psycopg")
SUPPORTED_REDIS_SCHEMES = ("redis", "rediss", "unix")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class NluBackend(StrEnum):
    BUILTIN = "builtin"
    RASA = "rasa"


class Settings(BaseSettings):
    """Razem's configuration. Field ``x`` is read from ``RAZEM_X``."""

    model_config = SettingsConfigDict(
        env_prefix="RAZEM_",
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite:///var/razem.db"
    redis_url: str | None = None
    data_dir: Path = Path("data")
    var_dir: Path = Path("var")
    default_locale: str = "en"
    staff_locale: str = "pl"
    state_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)
    take_reminder_minutes: int = Field(default=30, ge=1)
    urgent_take_reminder_minutes: int = Field(default=5, ge=1)
    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    nlu_backend: NluBackend = NluBackend.BUILTIN
    nlu_model_path: Path | None = None
    rasa_url: str | None = None
    faq_show_drafts: bool = False
    secret_key: SecretStr | None = None
    # Where people open the console: the password-set links `razem user add` prints.
    web_base_url: str = "http://127.0.0.1:8080"
    webhook_secret: SecretStr | None = None
    # Pace sends to Telegram's limits (30 messages/s, 1/s per chat, 20/min per group).
    # Off only against a local Bot API stub, to measure Razem rather than the limiter.
    telegram_rate_limit: bool = True
    log_level: str = "WARNING"
    # Reverse proxies whose X-Forwarded-For the console believes (IPs or networks, comma
    # separated). None by default: a forwarded address is a claim anyone can make.
    trusted_proxies: str = ""

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in SUPPORTED_DATABASE_SCHEMES:
            raise ValueError(
                f"unsupported scheme {scheme or value!r}; use sqlite:///path/to/file.db "
                "or postgresql+psycopg://user@host:5432/dbname"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in SUPPORTED_REDIS_SCHEMES:
            raise ValueError(f"unsupported scheme {scheme or value!r}; use redis://host:6379/0")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"not an IP address or network: {part[:60]!r}") from None
        return value

    @field_validator("default_locale", "staff_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @property
    def model_path(self) -> Path:
        return self.nlu_model_path or self.var_dir / "nlu-model.pkl"


_ENV_NAMES = {"telegram_bot_token": "TELEGRAM_BOT_TOKEN"}


def env_name(field: str) -> str:
    """The environment variable that sets ``field``."""
    return _ENV_NAMES.get(field, f"RAZEM_{field.upper()}")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning validation errors into one-line ConfigErrors."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{env_name(field)}: {message}") from None
