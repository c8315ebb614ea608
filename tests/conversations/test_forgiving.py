"""A conversation that forgives: typed answers, any city, commands that keep the request,
and no question asked twice (through the real runtime, NLU and storage)."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from tests.conversations.conftest import Person
from tests.conversations.test_journeys import LANGUAGES, LEGAL, cases_of, start

YES = {"uk": "так", "ru": "da", "en": "yes", "pl": "tak"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_typing_yes_at_the_consent_question_gives_consent(
    person: Person, seeded, lang: str
) -> None:
    t = translator(lang)
    start(person, lang)
    replies = person.says(YES[lang])
    assert t._("Thank you.") in person.text(replies)
    assert t._(
        "Please choose one of the options below, or write /menu to start again."
    ) not in person.text(replies)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_city_outside_the_four_is_another_city_not_a_refusal(
    person: Person, seeded, lang: str
) -> None:
    start(person, lang)
    person.press("consent:yes")
    person.says(LEGAL[lang])
    person.agree_it_is_right()
    replies = person.says("Kraków")
    assert person.visible("details:skip"), person.text(replies)
    person.press("details:skip")
    [case] = cases_of(seeded)
    assert case.city == "other"
    assert "Kraków" in (case.summary or "")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_start_in_the_middle_of_a_request_keeps_it(person: Person, seeded, lang: str) -> None:
    t = translator(lang)
    start(person, lang)
    person.press("consent:yes")
    person.says(LEGAL[lang])
    person.agree_it_is_right()
    person.press("city:Lublin")
    replies = person.command("start")
    assert t._("Your request is not sent yet. Let's finish it, or start over.") in person.text(
        replies
    )
    assert person.visible("details:skip")  # back at the question it was waiting for
    person.press("details:skip")
    [case] = cases_of(seeded)
    assert LEGAL[lang] in (case.summary or "")


def test_start_over_is_a_choice_and_clears_the_request(person: Person, seeded) -> None:
    start(person, "uk")
    person.press("consent:yes")
    person.says(LEGAL["uk"])
    person.agree_it_is_right()
    person.command("start")
    person.press("restart:yes")
    assert person.visible("menu:faq")
    assert cases_of(seeded) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_kind_of_help_chosen_before_consent_is_not_asked_again(
    person: Person, seeded, lang: str
) -> None:
    t = translator(lang)
    start(person, lang)
    person.press("consent:no")
    person.says("?")  # unclear: the three kinds of help are offered
    replies = person.press("cat:legal")  # chosen; consent is asked now
    assert person.visible("consent:yes"), person.text(replies)
    replies = person.press("consent:yes")
    asked = person.text(replies)
    assert t._("Which kind of help do you need?") not in asked
    assert t._("Where are you? The organisation closest to you will answer.") in asked


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_language_question_when_the_text_and_the_phone_agree(person: Person, lang: str) -> None:
    t = translator(lang)
    person.language_code = lang
    replies = person.says(LEGAL[lang])
    assert not person.visible(f"lang:{lang}")
    assert person.visible("menu:language")  # a small button to change it instead
    assert t._("Before I pass your request to a person, I need your consent.") in person.text(
        replies
    )
