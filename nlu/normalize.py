"""Text normalisation for messenger text in four languages and two scripts.

`skeleton` maps Cyrillic, transliterated Cyrillic and Polish (with or without
diacritics) onto one coarse Latin spelling, so that "карта побыту", "karta pobytu"
and "kartu pobytu" share character n-grams, and so do "вниосек" and "wniosek".
It is a feature space, not something a person sees.
"""

from __future__ import annotations

import re
import unicodedata

_POLISH = str.maketrans("ąćęłńóśźż", "acelnoszz")

# Cyrillic to a coarse Latin: Ukrainian г and Russian г, х and Latin h/g/kh all
# land on "h"; и, і, ї, й, ы and Latin y/j on "i" — translit is inconsistent there.
_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "h",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ё": "io",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "ў": "u",
    "'": "",
    "’": "",
    "ʼ": "",
    "`": "",
}
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)

# Latin spellings of the same sounds, longest first.
_LATIN_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "sh"),
    ("szcz", "sh"),
    ("sch", "sh"),
    ("sz", "sh"),
    ("cz", "ch"),
    ("kh", "h"),
    ("zh", "zh"),
    ("rz", "zh"),
    ("ts", "c"),
    ("tz", "c"),
    ("ya", "ia"),
    ("ja", "ia"),
    ("yu", "iu"),
    ("ju", "iu"),
    ("yo", "io"),
    ("jo", "io"),
    ("ye", "ie"),
    ("je", "ie"),
    ("y", "i"),
    ("j", "i"),
    ("w", "v"),
    ("g", "h"),
    ("x", "ks"),
    ("q", "k"),
)
_LATIN_PATTERN = re.compile("|".join(re.escape(src) for src, _ in _LATIN_RULES))
_LATIN_MAP = dict(_LATIN_RULES)

_REPEATS = re.compile(r"(.)\1{2,}")
_NON_WORD = re.compile(r"[^\w+]+")
_DIGITS = re.compile(r"\d+")
_CYRILLIC_CHAR = re.compile(r"[а-яёіїєґў]")
_LATIN_CHAR = re.compile(r"[a-ząćęłńóśźż]")
_LETTER = re.compile(r"[^\W\d_]")


def basic(text: str) -> str:
    """Casefolded NFKC text with runs of 3+ equal characters cut to 2 ("pomocyyy")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _REPEATS.sub(r"\1\1", text)


def skeleton(text: str) -> str:
    """The coarse shared Latin spelling of ``text`` (see the module docstring)."""
    text = basic(text).translate(_POLISH).translate(_CYRILLIC_TABLE)
    text = _LATIN_PATTERN.sub(lambda m: _LATIN_MAP[m.group(0)], text)
    text = _DIGITS.sub(lambda m: "0" if len(m.group(0)) > 3 else m.group(0), text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    """Word tokens of the basic form (letters, digits and '+', as in "800+")."""
    return _NON_WORD.sub(" ", basic(text)).split()


def has_letters(text: str) -> bool:
    return _LETTER.search(text) is not None


def script_counts(text: str) -> tuple[int, int]:
    """(Cyrillic letters, Latin letters) in the casefolded text."""
    lowered = text.casefold()
    return len(_CYRILLIC_CHAR.findall(lowered)), len(_LATIN_CHAR.findall(lowered))
