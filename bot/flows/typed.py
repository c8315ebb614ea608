"""A typed word that means a button: "так", "tak", "da", "yes", a number, a city, the
start of a label.

People under stress type rather than tap, in their own language or in Latin letters.
At a question with buttons, what they type is matched here against the buttons on
screen; only a clear match presses one (an unclear word is kept as words instead).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.flows.actions import Choice

# Short answers in Ukrainian, Russian, English and Polish, in their own letters and in
# the Latin spelling people use on a keyboard without Cyrillic.
YES_WORDS = frozenset(
    {
        # uk
        "так", "звісно", "авжеж", "ага", "угу", "згоден", "згодна", "погоджуюсь",
        "tak", "zvisno", "avzhezh", "aha", "zghoden", "zghodna",
        # ru
        "да", "конечно", "согласен", "согласна", "хорошо", "ок",
        "da", "konechno", "soglasen", "soglasna", "horosho", "khorosho",
        # en
        "yes", "y", "yeah", "yep", "ok", "okay", "sure", "agree", "i agree",
        # pl
        "jasne", "oczywiście", "oczywiscie", "zgoda", "zgadzam się", "zgadzam sie",
        "dobrze",
    }
)  # fmt: skip
NO_WORDS = frozenset(
    {
        # uk
        "ні", "не", "ni",
        # ru
        "нет", "не надо", "net", "niet",
        # en
        "no", "n", "nope", "not now",
        # pl
        "nie", "nie teraz",
    }
)  # fmt: skip
_PUNCTUATION = re.compile(r"[^\w\s]+")


def normalise(text: str) -> str:
    """Lower case, no punctuation or emoji, single spaces."""
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'")
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def typed_choice(text: str, choices: Sequence[Choice]) -> str | None:
    """The payload of the button the typed ``text`` clearly means, or None."""
    if not choices:
        return None
    words = normalise(text)
    if not words:
        return None
    if words.isdigit():
        index = int(words) - 1
        return choices[index].payload if 0 <= index < len(choices) else None
    answer = _yes_or_no(words)
    if answer is not None:
        matching = [c.payload for c in choices if c.payload.endswith(f":{answer}")]
        if len(matching) == 1:
            return matching[0]
    return _by_label(words, choices)


# Too short or too common to decide a longer answer alone ("не знаю" is not a no).
_NOT_ALONE = frozenset({"не", "n", "y", "ok", "ок", "aha", "ага"})


def _yes_or_no(words: str) -> str | None:
    # "так, згоден", "yes please", "nie, dziękuję": a short answer's first word decides.
    split = words.split()
    candidates = [words]
    if len(split) <= 4 and split[0] not in _NOT_ALONE:
        candidates.append(split[0])
    for candidate in candidates:
        if candidate in YES_WORDS:
            return "yes"
        if candidate in NO_WORDS:
            return "no"
    return None


def _by_label(words: str, choices: Sequence[Choice]) -> str | None:
    """A label the person started to type (at least three letters), if only one fits."""
    if len(words) < 3:
        return None
    labels = [(normalise(c.label), c.payload) for c in choices]
    exact = [payload for label, payload in labels if label == words]
    if len(exact) == 1:
        return exact[0]
    started = [payload for label, payload in labels if label.startswith(words)]
    return started[0] if len(started) == 1 else None
