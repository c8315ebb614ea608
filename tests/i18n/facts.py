"""The facts an FAQ answer states, read the same way in every language: dates (as ISO
dates), numbers (phone numbers, amounts, days, ages, years) and links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "en": "January February March April May June July August September October November December",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
}
EMAIL = re.compile(r"[\w.-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)]")
DOMAIN = re.compile(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:pl|eu|org|com)\b")
# "24/7" is "цілодобово" / "całą dobę" in other languages: a way of saying, not a fact.
AROUND_THE_CLOCK = re.compile(r"\b24/7\b")
# Digits in groups, as phone numbers are written: "800 70 2222", "+48 22 628 01 20".
NUMBER = re.compile(r"\+?\d+(?:[ \u00a0]\d+)*")


@dataclass(frozen=True)
class Facts:
    dates: frozenset[str]
    numbers: frozenset[str]
    links: frozenset[str]


def dated(text: str, language: str) -> list[tuple[date, int, int]]:
    """Each date written in ``text`` with its span."""
    months = MONTHS[language].split()
    pattern = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(months)}) (\d{{4}})")
    return [
        (date(int(m.group(3)), months.index(m.group(2)) + 1, int(m.group(1))), m.start(), m.end())
        for m in pattern.finditer(text)
    ]


def facts(text: str, language: str) -> Facts:
    links = set(EMAIL.findall(text))
    text = EMAIL.sub(" ", text)
    links |= set(URL.findall(text))
    text = URL.sub(" ", text)
    links |= set(DOMAIN.findall(text))
    text = DOMAIN.sub(" ", text)
    dates = set()
    for when, start, end in reversed(dated(text, language)):
        dates.add(when.isoformat())
        text = text[:start] + " " + text[end:]
    text = AROUND_THE_CLOCK.sub(" ", text)
    numbers = {n.replace("\u00a0", " ") for n in NUMBER.findall(text)}
    return Facts(frozenset(dates), frozenset(numbers), frozenset(links))
