"""Generated training variants, on top of the hand-written examples.

People without a Cyrillic keyboard write Ukrainian and Russian in Latin letters,
each in their own way, and Polish is often typed without diacritics. These
functions turn hand-written examples into such variants, deterministically.
"""

from __future__ import annotations

import random

from nlu.training_data import Example

# Per letter, the spellings people use, the most common first.
_UK_LATIN: dict[str, tuple[str, ...]] = {
    "а": ("a",),
    "б": ("b",),
    "в": ("v", "w"),
    "г": ("h", "g"),
    "ґ": ("g",),
    "д": ("d",),
    "е": ("e",),
    "є": ("ie", "ye", "je"),
    "ж": ("zh", "z", "j"),
    "з": ("z",),
    "и": ("y", "i"),
    "і": ("i",),
    "ї": ("i", "yi", "ji"),
    "й": ("i", "y", "j"),
    "к": ("k",),
    "л": ("l",),
    "м": ("m",),
    "н": ("n",),
    "о": ("o",),
    "п": ("p",),
    "р": ("r",),
    "с": ("s",),
    "т": ("t",),
    "у": ("u",),
    "ф": ("f",),
    "х": ("kh", "h", "x"),
    "ц": ("ts", "c"),
    "ч": ("ch",),
    "ш": ("sh",),
    "щ": ("shch", "sch", "sh"),
    "ь": ("", "'"),
    "ю": ("iu", "yu", "ju"),
    "я": ("ia", "ya", "ja"),
    "'": ("", "'"),
    "’": ("", "'"),
}
_RU_LATIN: dict[str, tuple[str, ...]] = {
    "а": ("a",),
    "б": ("b",),
    "в": ("v",),
    "г": ("g",),
    "д": ("d",),
    "е": ("e",),
    "ё": ("e", "yo", "jo"),
    "ж": ("zh", "j", "z"),
    "з": ("z",),
    "и": ("i",),
    "й": ("y", "i", "j"),
    "к": ("k",),
    "л": ("l",),
    "м": ("m",),
    "н": ("n",),
    "о": ("o",),
    "п": ("p",),
    "р": ("r",),
    "с": ("s",),
    "т": ("t",),
    "у": ("u",),
    "ф": ("f",),
    "х": ("h", "kh", "x"),
    "ц": ("ts", "c"),
    "ч": ("ch",),
    "ш": ("sh",),
    "щ": ("sch", "shch", "sh"),
    "ъ": ("",),
    "ы": ("y", "i"),
    "ь": ("", "'"),
    "э": ("e",),
    "ю": ("yu", "iu", "ju"),
    "я": ("ya", "ia", "ja"),
}
_TABLES = {"uk": _UK_LATIN, "ru": _RU_LATIN}
_POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def transliterate(text: str, language: str, rng: random.Random) -> str:
    """``text`` in Latin letters as a person might type it (one consistent style)."""
    table = _TABLES[language]
    # One writer keeps one habit per letter within a message.
    choice = {
        letter: rng.choice(options[:2]) if rng.random() < 0.3 else options[0]
        for letter, options in table.items()
    }
    out = []
    for char in text:
        lower = char.lower()
        if lower in choice:
            latin = choice[lower]
            out.append(latin.capitalize() if char != lower and latin else latin)
        else:
            out.append(char)
    return "".join(out)


def strip_polish(text: str) -> str:
    return text.translate(_POLISH)


def augment(examples: list[Example], seed: int = 13) -> list[Example]:
    """Translit variants of about half the Cyrillic examples; Polish without diacritics."""
    rng = random.Random(seed)
    extra: list[Example] = []
    for example in examples:
        if example.language in _TABLES and _is_cyrillic(example.text) and rng.random() < 0.5:
            text = transliterate(example.text, example.language, rng)
            if rng.random() < 0.5:
                text = text.lower()
            extra.append(Example(text, example.intent, example.language, example.urgent))
        elif example.language == "pl":
            stripped = strip_polish(example.text)
            if stripped != example.text:
                extra.append(Example(stripped, example.intent, example.language, example.urgent))
    return examples + extra


def _is_cyrillic(text: str) -> bool:
    cyrillic = sum("а" <= c.lower() <= "я" or c.lower() in "іїєґё" for c in text)
    return cyrillic > len(text) / 4
