"""Words in the person's language: gettext catalogs, plural forms, dates.

The locale is always passed explicitly (one update can message a migrant in
Ukrainian and staff in Polish). Catalogs live in bot/locales/{uk,ru,en,pl}; the
compiled .mo files are build output of `make install` (pybabel compile).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.support import Translations

from bot.domain import LANGUAGES
from bot.errors import ConfigError

LOCALES: tuple[str, ...] = LANGUAGES
LOCALE_DIR = Path(__file__).with_name("locales")
TIME_ZONE = ZoneInfo("Europe/Warsaw")
# The language names as their speakers write them, for the language buttons.
LANGUAGE_NAMES = {"uk": "Українська", "ru": "Русский", "en": "English", "pl": "Polski"}


class Translator:
    """gettext for one locale. Placeholders are named: ``t._("Hi {name}", name=...)``."""

    def __init__(self, locale: str, translations: Translations) -> None:
        self.locale = locale
        self._translations = translations

    def _(self, message: str, **params: Any) -> str:
        text = self._translations.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        return self._translations.ngettext(singular, plural, n).format(n=n, **params)

    def date(self, value: datetime) -> str:
        return format_date(value.astimezone(TIME_ZONE), format="long", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        return format_datetime(value.astimezone(TIME_ZONE), format="medium", locale=self.locale)


def normalise_locale(code: str | None) -> str | None:
    """'uk-UA', 'ru', 'pl_PL' -> a supported locale, or None."""
    if not code:
        return None
    base = code.replace("-", "_").split("_")[0].lower()
    return base if base in LOCALES else None


@cache
def translator(locale: str) -> Translator:
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    mo = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.mo"
    po = mo.with_suffix(".po")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        raise ConfigError(
            f"{mo}: missing or older than its .po: run make install (pybabel compile)"
        )
    with mo.open("rb") as handle:
        return Translator(locale, Translations(handle))
