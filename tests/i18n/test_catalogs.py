"""The catalogs: complete in four languages, placeholders intact, template current."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES, translator
from tests.conftest import REPO

LOCALE_DIR = REPO / "bot" / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_not_fuzzy(locale: str) -> None:
    missing = []
    for message in catalog(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_exactly_the_placeholders(locale: str) -> None:
    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= expected, (message.id, string)
            if len(ids) == 1:
                assert set(PLACEHOLDER.findall(string)) == expected, (message.id, string)


@pytest.mark.parametrize("locale", ["uk", "ru", "pl"])
def test_slavic_catalogs_have_three_plural_forms(locale: str) -> None:
    assert catalog(locale).num_plurals == 3
    t = translator(locale)
    forms = {t.ngettext("{n} request", "{n} requests", n) for n in (1, 2, 5)}
    assert len(forms) == 3, forms


def test_ukrainian_is_not_russian_with_other_letters() -> None:
    ukrainian = " ".join(m.string for m in catalog("uk") if m.id and isinstance(m.string, str))
    for russian in ("ы", "э", "ъ", "ё", " что ", " это ", "пожалуйста", "являє"):
        assert russian not in ukrainian.lower(), russian


def test_dates_are_in_the_persons_locale_and_warsaw_time() -> None:
    moment = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # already 1 April in Warsaw
    assert translator("pl").date(moment) == "1 kwietnia 2026"
    assert "квітня" in translator("uk").date(moment)
    assert "апреля" in translator("ru").date(moment)
    assert translator("en").date(moment) == "April 1, 2026"


def test_the_template_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_",
         "-k", "ngettext:1,2", "--no-default-keywords", "--omit-header", "-o", str(fresh), "."],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    with fresh.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert extracted == committed, "run `make catalogs` and translate the new strings"
