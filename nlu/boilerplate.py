"""The polite frame of a group-chat post: greetings, thanks, "does anyone know".

People write to a group of strangers: "Добрий день всім, дякую що прийняли в групу!
Підкажіть будь ласка…", "Hi everyone, thanks in advance". The need is inside the
frame. When the whole post reads as a greeting or thanks, the engine looks again at
what is left without the frame (`strip`), so the frame cannot outvote the need.
Phrases are in natural spelling, matched as whole words on the skeleton.
"""

from __future__ import annotations

import re

from nlu.normalize import skeleton

_PHRASES = (
    # Ukrainian
    "добрий день", "доброго дня", "добрий вечір", "доброго вечора", "доброго ранку",
    "добрий ранок", "доброї ночі", "привіт", "привітик", "вітаю", "всім", "усім", "всіх",
    "дякую", "щиро дякую", "дуже дякую", "заздалегідь", "за групу", "що прийняли в групу",
    "будь ласка", "підкажіть", "порадьте", "хто знає", "може хтось знає", "може хтось",
    "вибачте що турбую", "вибачте", "дівчата", "люди", "люди добрі", "шановні", "друзі",
    "слава україні", "гарного дня", "гарного вечора", "дякую за відповідь", "адмінам",
    # Russian
    "добрый день", "доброго дня", "добрый вечер", "доброго вечера", "доброе утро",
    "доброго утра", "здравствуйте", "привет", "приветствую", "всем", "спасибо",
    "большое спасибо", "спасибо большое", "заранее", "пожалуйста", "подскажите",
    "посоветуйте", "кто знает", "может кто знает", "может кто", "извините", "девочки",
    "девушки", "люди добрые", "дорогие", "хорошего дня", "админам", "за группу",
    # Polish
    "dzień dobry", "dobry wieczór", "witam", "witajcie", "cześć", "hej", "siema",
    "wszystkim", "dziękuję", "dzięki", "bardzo dziękuję", "z góry dziękuję", "z góry",
    "pozdrawiam", "proszę", "bardzo proszę", "czy ktoś wie", "może ktoś wie", "ktoś wie",
    "kto wie", "może ktoś", "przepraszam", "ludzie", "kochani", "ludzie kochani",
    "dziewczyny", "drodzy", "miłego dnia", "za grupę",
    # English
    "hello", "hi", "hey", "good morning", "good afternoon", "good evening", "everyone",
    "everybody", "all", "guys", "thanks", "thank you", "thank you so much", "thanks a lot",
    "thanks in advance", "in advance", "many thanks", "please", "does anyone know",
    "does anybody know", "anyone knows", "anybody knows", "sorry to bother", "sorry",
    "dear all", "ladies", "for this group", "for the group", "have a nice day",
)  # fmt: skip

_PATTERN = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(re.escape(s) for s in sorted({skeleton(p) for p in _PHRASES}, key=len, reverse=True))
    + r")(?![a-z0-9])"
)
# Enough left to be a request on its own: "дякую, вже знаю що робити" is still thanks
# (four words left), the dev splits have no greeting or thanks with seven words left.
MIN_WORDS_LEFT = 7


def strip(shape: str) -> str | None:
    """The skeleton text without its polite frame, or None when there is no frame
    or too little is left to classify on its own."""
    stripped, count = _PATTERN.subn(" ", shape)
    if not count:
        return None
    words = stripped.split()
    return " ".join(words) if len(words) >= MIN_WORDS_LEFT else None
