"""Typed words that mean a button, in the four languages and in Latin letters."""

from __future__ import annotations

import pytest

from bot.flows import texts
from bot.flows.actions import Choice
from bot.flows.typed import typed_choice
from bot.i18n import translator

CONSENT = [Choice("I agree", "consent:yes"), Choice("Not now", "consent:no")]


@pytest.mark.parametrize(
    "typed",
    [
        "так",
        "Так!",
        "tak",
        "да",
        "Da",
        "yes",
        "Yes please",
        "ok",
        "згоден",
        "zgadzam się",
        "👍 так",
    ],
)
def test_yes_in_any_language_presses_the_yes_button(typed: str) -> None:
    assert typed_choice(typed, CONSENT) == "consent:yes"


@pytest.mark.parametrize(
    "typed", ["ні", "ni", "нет", "net", "no", "nie", "Nie, dziękuję", "not now"]
)
def test_no_in_any_language_presses_the_no_button(typed: str) -> None:
    assert typed_choice(typed, CONSENT) == "consent:no"


@pytest.mark.parametrize(
    "typed", ["не знаю", "ok, but who will see it?", "what?", "", "   ", "...", "3"]
)
def test_an_unclear_word_presses_nothing(typed: str) -> None:
    assert typed_choice(typed, CONSENT) is None


def test_a_number_presses_the_button_in_that_place() -> None:
    rows = texts.city_rows(translator("uk"))
    choices = [c for row in rows for c in row]
    assert typed_choice("2", choices) == "city:Poznań"
    assert typed_choice("0", choices) is None


@pytest.mark.parametrize("lang", ["uk", "ru", "en", "pl"])
def test_the_start_of_a_label_presses_it_when_only_one_fits(lang: str) -> None:
    t = translator(lang)
    choices = [c for row in texts.category_rows(t) for c in row]
    legal = t._("Legal help")
    assert typed_choice(legal[:-2], choices) == "cat:legal"
    assert typed_choice(legal.upper(), choices) == "cat:legal"


def test_yes_is_not_guessed_when_two_buttons_say_yes() -> None:
    choices = [Choice("Yes, today", "a:yes"), Choice("Yes, later", "b:yes")]
    assert typed_choice("yes", choices) is None
