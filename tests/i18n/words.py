"""What the person reads, gathered once for the word tests: catalog strings by
language, FAQ questions and answers, and the glossary's checked tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from tests.conftest import REPO

LANGUAGES = ("uk", "ru", "en", "pl")
LOCALE_DIR = REPO / "bot" / "locales"
FAQ = REPO / "data" / "faq.yml"
FACTS = REPO / "data" / "faq_facts.yml"
GLOSSARY = REPO / "docs" / "glossary.md"


@dataclass(frozen=True)
class Shown:
    """One text the person may read, with where it comes from (for the failure message)."""

    where: str
    language: str
    text: str


@cache
def catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _person_facing(message) -> bool:  # type: ignore[no-untyped-def]
    """Strings of the person's conversation: the flows, the command menu, and the
    notices sent to the person from the staff side."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    if any(f.startswith(("bot/flows/", "bot/telegram/app.py")) for f, _ in message.locations):
        return True
    return ids[0].startswith("Your request") or ids[0] == "{partner} writes:"


def person_strings(language: str) -> list[Shown]:
    shown = []
    for message in catalog(language):
        if not message.id or not _person_facing(message):
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        shown += [Shown(f"msgid {message.id!r}", language, s) for s in strings]
    return shown


@cache
def faq_entries() -> list[dict]:  # type: ignore[type-arg]
    return yaml.safe_load(FAQ.read_text(encoding="utf-8"))["entries"]  # type: ignore[no-any-return]


def faq_texts(language: str) -> list[Shown]:
    shown = []
    for entry in faq_entries():
        translation = entry["translations"][language]
        for field in ("question", "answer"):
            shown.append(Shown(f"faq {entry['slug']} {field}", language, translation[field]))
    return shown


def glossary_table(heading: str) -> list[list[str]]:
    """The rows of the table under ``heading`` in docs/glossary.md; in a cell, text in
    backticks is returned alone with ``\\|`` unescaped (it is a regular expression)."""
    lines = GLOSSARY.read_text(encoding="utf-8").split("\n")
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if not line.startswith("|") or line.startswith("| ---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        rows.append([_checked_form(c) for c in cells])
    return rows[1:]  # without the header row


def _checked_form(cell: str) -> str:
    code = re.fullmatch(r"`(.*)`", cell)
    return code.group(1).replace("\\|", "|") if code else cell


def repo_path(path: Path) -> str:
    return str(path.relative_to(REPO))
