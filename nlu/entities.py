"""Entities read from a message: the town, dates (a decision, a deadline), children.

Rules, not a model: each word is brought to the shared skeleton spelling
(nlu/normalize.py), so one table of stems covers Ukrainian, Russian, Polish and
English, in Cyrillic, in translit and without Polish diacritics ("у Вроцлаві",
"v Vrotslavi", "we Wroclawiu" are all one stem plus an ending). Towns come from
nlu/towns.yml; months, weekdays and number words are below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.domain import CITIES
from nlu.errors import NluDataError
from nlu.normalize import skeleton

TOWNS_PATH = Path(__file__).with_name("towns.yml")
WARSAW = ZoneInfo("Europe/Warsaw")
PARTNER_CITIES = CITIES
# A case ending: "Wrocław" + "iu", "Варшав" + "і", "Poznań" + "iu".
MAX_ENDING = 4
_KEY = 3  # every town stem has at least this many letters


@dataclass(frozen=True, slots=True)
class CityMention:
    city: str  # Lublin | Poznań | Warszawa | Wrocław | other
    town: str  # the town's Polish name, e.g. "Kraków"
    text: str  # the words as written

    def to_json(self) -> dict[str, str]:
        return {"city": self.city, "town": self.town, "text": self.text}


@dataclass(frozen=True, slots=True)
class DateMention:
    date: date
    text: str

    def to_json(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "text": self.text}


@dataclass(frozen=True, slots=True)
class ChildMention:
    age: float | None  # years; months become a fraction ("8 місяців" = 0.7)
    text: str

    def to_json(self) -> dict[str, Any]:
        age = self.age
        if age is not None and age == int(age):
            age = int(age)
        return {"age": age, "text": self.text}


@dataclass(frozen=True, slots=True)
class Entities:
    city: CityMention | None = None
    dates: tuple[DateMention, ...] = ()
    children: tuple[ChildMention, ...] = ()


# ---------------------------------------------------------------- words

_TOKEN = re.compile(r"\d+(?:[.,/-]\d+)*|[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class _Word:
    shape: str  # skeleton spelling; digits as written
    start: int
    end: int


@lru_cache(maxsize=100_000)
def _shape(raw: str) -> str:
    return raw if raw[0].isdigit() else "".join(skeleton(raw).split())


def _words(text: str) -> list[_Word]:
    words = []
    for match in _TOKEN.finditer(text):
        shape = _shape(match.group(0))
        if shape:
            words.append(_Word(shape, match.start(), match.end()))
    return words


def _span(text: str, words: list[_Word], first: int, last: int) -> str:
    return text[words[first].start : words[last].end]


# ---------------------------------------------------------------- towns


@dataclass(frozen=True, slots=True)
class _Town:
    name: str
    city: str
    forms: tuple[tuple[str, ...], ...]  # each form: one stem per word
    not_words: frozenset[str] = frozenset()


@cache
def _town_index(path: Path = TOWNS_PATH) -> dict[str, list[tuple[_Town, tuple[str, ...]]]]:
    """Forms by the first letters of their first stem, so a word is checked only
    against the few forms it could start."""
    index: dict[str, list[tuple[_Town, tuple[str, ...]]]] = {}
    for town in _towns(path):
        for form in town.forms:
            index.setdefault(form[0][:_KEY], []).append((town, form))
    return index


def _towns(path: Path) -> tuple[_Town, ...]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        towns = []
        for name, spec in document["towns"].items():
            city = str(spec["city"])
            if city not in (*PARTNER_CITIES, "other"):
                raise NluDataError(f"{path}: {name}: city must be one of the four or 'other'")
            forms = tuple(
                tuple(skeleton(word) for word in re.split(r"[\s-]+", str(form)))
                for form in spec["forms"]
            )
            not_words = frozenset(skeleton(str(word)) for word in spec.get("not", []))
            towns.append(_Town(str(name), city, forms, not_words))
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise NluDataError(f"{path}: cannot read towns: {exc}") from None
    return tuple(towns)


def _stem_matches(shape: str, stem: str, last: bool) -> bool:
    if not last:  # inside a multi-word name ("Zielona Góra") the words may be inflected too
        return shape.startswith(stem[:-1] if len(stem) > 4 else stem)
    return shape.startswith(stem) and len(shape) - len(stem) <= MAX_ENDING


def find_city(text: str, words: list[_Word] | None = None) -> CityMention | None:
    """The town the message names; one of the four partner cities wins over others."""
    words = _words(text) if words is None else words
    found: list[tuple[int, CityMention]] = []
    towns = _town_index()
    for index, word in enumerate(words):
        for town, form in towns.get(word.shape[:_KEY], ()):
            end = index + len(form)
            if word.shape in town.not_words:
                continue
            if end <= len(words) and all(
                _stem_matches(words[index + k].shape, stem, k == len(form) - 1)
                for k, stem in enumerate(form)
            ):
                mention = CityMention(town.city, town.name, _span(text, words, index, end - 1))
                found.append((index, mention))
                break
    if not found:
        return None
    partner = [mention for _, mention in found if mention.city != "other"]
    return partner[0] if partner else found[0][1]


# ---------------------------------------------------------------- dates

# Month stems in skeleton spelling (uk, ru, pl, en and their translit). Short
# English abbreviations and "May" are whole words only.
_MONTH_PREFIXES: dict[int, tuple[str, ...]] = {
    1: ("sich", "ianvar", "stichn", "stichen", "ianuar"),
    2: ("liut", "fevral", "lute", "luti", "februar"),
    3: ("berez", "mart", "marc", "mazhec"),
    4: ("kvitn", "kviten", "aprel", "kviec", "kviet", "april"),
    5: (
        "travn",
        "traven",
    ),
    6: ("chervn", "chervc", "chervie", "chervec", "cherven", "iiun", "iune"),
    7: ("lipn", "lipc", "lipie", "lipen", "iiul", "iuli"),
    8: ("serpn", "serpen", "avhust", "sierp", "auhust"),
    9: ("veresn", "veresen", "sentiabr", "vzhes", "septemb"),
    10: ("zhovtn", "zhovten", "oktiabr", "pazdz", "octob", "oktob"),
    11: ("listopad", "noiabr", "novemb"),
    12: ("hrudn", "hrudz", "dekabr", "decemb"),
}
_MONTH_WORDS: dict[str, int] = {
    "mai": 5, "maia": 5, "maiu": 5, "ian": 1, "feb": 2, "mar": 3, "apr": 4,
    "iun": 6, "iul": 7, "auh": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11,
    "dec": 12,
}  # fmt: skip
_WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("ponedil", "ponedel", "poniedzia", "mondai"),
    1: ("vivtor", "vtornik", "vtorek", "vtorku", "tuesdai"),
    2: ("sereda", "seredu", "seredi", "sreda", "sredu", "sredi", "sroda", "srode", "srodi",
        "vednesdai"),
    3: ("chetver", "chetverh", "chetverha", "chetverhu", "chvartek", "chvartku", "thursdai"),
    4: ("piatnic", "piatek", "piatku", "fridai"),
    5: ("subot", "subbot", "sobot", "saturdai"),
    6: ("nedil", "voskresen", "niedziel", "sundai"),
}  # fmt: skip
_EXACT_WEEKDAY = {"chetver", "chetverh", "chetverha", "chetverhu", "sereda", "seredu", "seredi"}
_NUMBER_WORDS: dict[str, int] = {
    "odin": 1, "odna": 1, "odnu": 1, "ieden": 1, "iedna": 1, "one": 1, "a": 1, "an": 1,
    "dva": 2, "dvi": 2, "dve": 2, "dvie": 2, "tvo": 2, "tri": 3, "tzhi": 3, "three": 3,
    "chotiri": 4, "chetire": 4, "chteri": 4, "four": 4, "piat": 5, "piec": 5, "five": 5,
    "shist": 6, "shest": 6, "sheshc": 6, "siks": 6, "sim": 7, "sem": 7, "siedem": 7,
    "seven": 7, "desiat": 10, "dziesiec": 10, "ten": 10,
}  # fmt: skip
# (stems, days per unit); "tizhden" = тиждень, "nedel" = неделя, "tidzien" = tydzień.
_DAY_WORDS = {"den", "dni", "dnia", "dniv", "dnei", "dzien", "dai", "dais", "dnem"}
_UNITS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("tizhn", "tizhden", "nedel", "tidzien", "tihodn", "veek"), 7),
    (("misiac", "mesiac", "miesiac", "miesiec", "month"), 30),
)
_FUTURE = {"cherez", "za", "in", "vithin", "protiahom", "techenie", "ciahu"}
_PAST = {"tomu", "nazad", "temu", "aho"}
_TODAY = {"sohodni", "sehodnia", "dzisiai", "dzis", "todai", "tonihht", "sohodnishn"}
_TOMORROW = {"zavtra", "iutro", "tomorrov"}
_AFTER_TOMORROW = {"pisliazavtra", "poslezavtra", "poiutzhe"}
_YESTERDAY = {"vchora", "vchera", "vchorai", "iesterdai"}
_SINCE = {"since", "last", "vid", "od", "ot", "minulu", "minulii", "minuloi", "proshluiu",
          "proshlii", "ostatni", "ostatnia"}  # fmt: skip
_TRIGGERS = _FUTURE | _PAST | _TODAY | _TOMORROW | _AFTER_TOMORROW | _YESTERDAY
_MONEY = {"zl", "zlot", "zlotih", "zloti", "zlotich", "pln", "hrn", "hrivn", "evro", "euro", "usd"}
_ORDINAL = {"ho", "oho", "h", "th", "st", "nd", "rd", "oe", "ie", "e"}
_NUMERIC_DATE = re.compile(
    r"^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[./](\d{2})(?:[./](\d{2}|\d{4}))?)$"
)


def _money_follows(shapes: list[str], i: int) -> bool:
    """ "20.50 zł", "5 тис грн" are prices, not dates or ages."""
    return i + 1 < len(shapes) and shapes[i + 1] in _MONEY


def _alternatives(stems: tuple[str, ...] | set[str]) -> str:
    return "|".join(map(re.escape, sorted(stems, key=len, reverse=True)))


# One compiled pattern per kind of word (the hot path: every word of every message).
_MONTH_RE = re.compile(
    "|".join(f"(?P<m{month}>{_alternatives(p)})" for month, p in _MONTH_PREFIXES.items())
)
_WEEKDAY_RE = re.compile(
    "|".join(
        f"(?P<d{day}>(?:{_alternatives(set(stems) & _EXACT_WEEKDAY)})$"
        f"|(?:{_alternatives(set(stems) - _EXACT_WEEKDAY)})[a-z]{{0,{MAX_ENDING}}}$)"
        if set(stems) & _EXACT_WEEKDAY
        else f"(?P<d{day}>(?:{_alternatives(stems)})[a-z]{{0,{MAX_ENDING}}}$)"
        for day, stems in _WEEKDAYS.items()
    )
)


@lru_cache(maxsize=20_000)
def _month_of(shape: str) -> int | None:
    if shape in _MONTH_WORDS:
        return _MONTH_WORDS[shape]
    match = _MONTH_RE.match(shape)
    return int(match.lastgroup[1:]) if match and match.lastgroup else None


@lru_cache(maxsize=20_000)
def _weekday_of(shape: str) -> int | None:
    match = _WEEKDAY_RE.match(shape)
    return int(match.lastgroup[1:]) if match and match.lastgroup else None


def _number_of(shape: str) -> int | None:
    if shape.isdigit():
        return int(shape)
    return _NUMBER_WORDS.get(shape)


def _unit_days(shape: str) -> int | None:
    if shape in _DAY_WORDS:
        return 1
    for stems, days in _UNITS:
        if any(shape.startswith(s) and len(shape) - len(s) <= 3 for s in stems):
            return days
    return None


def _nearest_year(today: date, month: int, day: int) -> date | None:
    """A day and month without a year: the one nearest to today (a decision that came
    last November, a deadline next January)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - today).days)) if candidates else None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, today: date, words: list[_Word] | None = None) -> list[DateMention]:
    """Dates the message names, as calendar dates in Europe/Warsaw, in order."""
    words = _words(text) if words is None else words
    found: list[DateMention] = []
    used: set[int] = set()

    def add(when: date | None, first: int, last: int) -> None:
        if when is not None and not used.intersection(range(first, last + 1)):
            found.append(DateMention(when, _span(text, words, first, last)))
            used.update(range(first, last + 1))

    shapes = [w.shape for w in words]
    last_index = len(shapes) - 1
    for i, shape in enumerate(shapes):
        # Most words are none of these: skip them with set lookups and a cached check.
        if not (
            shape[0].isdigit()
            or shape in _TRIGGERS
            or (i < last_index and shapes[i + 1][0].isdigit())
            or _weekday_of(shape) is not None
        ):
            continue
        numeric = _NUMERIC_DATE.match(shape)
        if numeric:
            y, m, d, d2, m2, y2 = numeric.groups()
            if y:
                add(_valid(int(y), int(m), int(d)), i, i)
            elif y2:
                year = int(y2) + (2000 if len(y2) == 2 else 0)
                add(_valid(year, int(m2), int(d2)), i, i)
            elif 1 <= int(m2) <= 12 and not _money_follows(shapes, i):
                add(_nearest_year(today, int(m2), int(d2)), i, i)
            continue
        # "20 листопада (2025)", "20-го листопада", "November 20(th)"
        if shape.isdigit() and 1 <= int(shape) <= 31:
            j = i + 1
            if j < len(shapes) and shapes[j] in _ORDINAL:
                j += 1
            month = _month_of(shapes[j]) if j < len(shapes) else None
            if month is not None:
                year_at = (
                    j + 1
                    if j + 1 < len(shapes) and re.fullmatch(r"20\d\d", shapes[j + 1])
                    else None
                )
                when = (
                    _valid(int(shapes[year_at]), month, int(shape))
                    if year_at
                    else _nearest_year(today, month, int(shape))
                )
                add(when, i, year_at or j)
                continue
        next_is_number = i + 1 < len(shapes) and shapes[i + 1].isdigit()
        month = _month_of(shape) if next_is_number and not shape.isdigit() else None
        if month is not None:
            day = int(shapes[i + 1])
            if 1 <= day <= 31 and (shape in _MONTH_WORDS or len(shape) >= 5):
                add(_nearest_year(today, month, day), i, i + 1)
                continue
        # "через 3 дні", "za tydzień", "in two weeks", "3 дні тому", "a week ago"
        if shape in _FUTURE and i + 1 < len(shapes):
            count, unit_at = 1, i + 1
            number = _number_of(shapes[i + 1])
            if number is not None and i + 2 < len(shapes):
                count, unit_at = number, i + 2
            days = _unit_days(shapes[unit_at])
            if days is not None and count <= 366:
                add(today + timedelta(days=count * days), i, unit_at)
                continue
        if shape in _PAST and i >= 1:
            days = _unit_days(shapes[i - 1])
            if days is not None:
                first, count = i - 1, 1
                number = _number_of(shapes[i - 2]) if i >= 2 else None
                if number is not None:
                    first, count = i - 2, number
                if count <= 366:
                    add(today - timedelta(days=count * days), first, i)
                    continue
        if shape in _TODAY:
            add(today, i, i)
        elif shape in _TOMORROW:
            add(today + timedelta(days=1), i, i)
        elif shape in _AFTER_TOMORROW:
            add(today + timedelta(days=2), i, i)
        elif shape in _YESTERDAY:
            add(today - timedelta(days=1), i, i)
        else:
            weekday = _weekday_of(shape)
            if weekday is not None:
                if i > 0 and shapes[i - 1] in _SINCE:
                    # "since Sunday", "від понеділка", "od piątku": the one that has passed.
                    add(today - timedelta(days=(today.weekday() - weekday) % 7 or 7), i - 1, i)
                else:
                    # "do piątku", "в понеділок": the coming one (today if it is that day).
                    add(today + timedelta(days=(weekday - today.weekday()) % 7), i, i)
    return sorted(found, key=lambda m: text.find(m.text))


# ---------------------------------------------------------------- children

_CHILD_PREFIXES = (
    "ditin", "ditei", "ditmi", "ditiam", "rebenk", "rebenok", "rebionk", "rebionok", "detei",
    "detmi", "detiam", "dzieck", "dzieci", "child", "kid", "dauhhter", "hrandson", "hrandd",
    "sinok", "sinoch", "sinovi", "sinka", "sinek", "sinkovi", "donk", "donc", "donechk", "donia",
    "dochk", "dochc", "dochen", "docher", "dochur", "corka", "corki", "corce", "corke", "corechk",
    "corek", "nemovl", "niemovl", "novorodk", "novorodek", "novorozhd", "malish",
    "hlopchik", "malchik", "devochk", "divchink", "chlopiec", "chlopca", "dzievchink",
    "babi", "babies", "toddler", "nevborn", "teenaher", "pidlit", "podrost", "onuk",
    "vnuk", "vnuch",
)  # fmt: skip
_CHILD_WORDS = {"diti", "deti", "son", "sons", "sin", "sina", "sinu", "sinom", "sinem", "sinkiem",
                "sinami", "doch", "doniu",
                "teen", "dzieci", "malii", "malomu"}  # fmt: skip
_YEARS = {"rokiv", "roki", "rik", "let", "hoda", "hod", "lat", "lata", "rok", "roku", "iear",
          "iears", "io", "iro", "r"}  # fmt: skip
_YEAR_PREFIXES = ("rochk", "hodik", "latk", "latek", "hodi")
_MONTHS_OLD = ("misiac", "mesiac", "miesiac", "miesiec", "month")
# "8-річний", "10-летний", "10-letni", "5 year old", "my 6yo"
_AGE_ADJECTIVE = ("richn", "letn", "roch", "old")
_MAX_AGE = 25


@lru_cache(maxsize=20_000)
def _is_child_word(shape: str) -> bool:
    return shape in _CHILD_WORDS or shape.startswith(_CHILD_PREFIXES)


def _age(shapes: list[str], i: int) -> tuple[float, int] | None:
    """An age at word ``i`` ("5", "1,5", "п'ять"?) and the index of its last word."""
    raw = shapes[i].replace(",", ".")
    if not re.fullmatch(r"\d{1,2}(?:\.\d)?", raw):
        return None
    value, last = float(raw), i
    following = shapes[i + 1] if i + 1 < len(shapes) else ""
    if following.startswith(_MONTHS_OLD):
        value, last = round(value / 12, 1), i + 1
    elif following in _YEARS or following.startswith(_YEAR_PREFIXES):
        last = i + 1
    if value > _MAX_AGE:
        return None
    return value, last


def find_children(text: str, words: list[_Word] | None = None) -> list[ChildMention]:
    """Children the message mentions, each with an age when one is given."""
    words = _words(text) if words is None else words
    shapes = [w.shape for w in words]
    mentions: list[ChildMention] = []
    taken: set[int] = set()
    for i, shape in enumerate(shapes):
        if i in taken:
            continue
        if shape.isdigit() and int(shape) <= _MAX_AGE:
            # "8-річний син", "10-letnia córka", "a 5 year old boy", "my 6yo"
            last = i + 1 if i + 1 < len(shapes) and shapes[i + 1] in ("iear", "iears") else i
            following = shapes[last + 1] if last + 1 < len(shapes) else ""
            if following.startswith(_AGE_ADJECTIVE) or following == "io":
                last += 1
                child_follows = last + 1 < len(shapes) and _is_child_word(shapes[last + 1])
                owner = i > 0 and shapes[i - 1] in ("mi", "our", "a", "her", "his", "their")
                if child_follows or owner:
                    last += int(child_follows)
                    mentions.append(ChildMention(float(shape), _span(text, words, i, last)))
                    taken.update(range(i, last + 1))
                    continue
        if not _is_child_word(shape):
            continue
        ages: list[tuple[float, int, int]] = []
        j, gap = i + 1, 0
        # Ages after the word: "синові 8 років", "dzieci 3 i 8 lat", "son is 12".
        while j < len(shapes) and gap <= 2:
            age = _age(shapes, j)
            if age is not None and not _money_follows(shapes, j):
                ages.append((age[0], j, age[1]))
                j, gap = age[1] + 1, 0
                continue
            if ages and shapes[j] not in ("i", "and", "ta", "a"):
                break
            if not ages:
                gap += 1
            j += 1
        if ages:
            for number, (value, first, last) in enumerate(ages):
                # The first age is read with the word for the child, the rest alone.
                start = i if number == 0 else first
                mentions.append(ChildMention(value, _span(text, words, start, last)))
            taken.update(range(i, ages[-1][2] + 1))
        else:
            mentions.append(ChildMention(None, _span(text, words, i, i)))
            taken.add(i)
    # One ageless mention stands for "a child is mentioned" once ages are known.
    aged = [m for m in mentions if m.age is not None]
    return aged if aged else mentions[:1]


def extract(text: str, now: datetime | None = None) -> Entities:
    """All entities of ``text``; dates relative to ``now`` (default: this moment) in Warsaw."""
    moment = now or datetime.now(WARSAW)
    today = (moment.astimezone(WARSAW) if moment.tzinfo else moment).date()
    words = _words(text)
    return Entities(
        city=find_city(text, words),
        dates=tuple(find_dates(text, today, words)),
        children=tuple(find_children(text, words)),
    )
