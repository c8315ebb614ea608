"""The note under an unchecked FAQ answer fits the answer: a lawyer for legal answers,
a partner for social ones, none under psychological and crisis answers (their numbers
are the emergency numbers; a doubt there only makes a person hesitate to call)."""

from __future__ import annotations

import pytest

from bot.flows.conversation import step
from bot.flows.events import FaqShown
from bot.flows.state import State, Step
from bot.i18n import translator
from tests.i18n.words import LANGUAGES, faq_entries

LAWYER = "This answer has not yet been checked by a lawyer. Please confirm it with a partner organisation."
RULES = (
    "Rules and conditions change. Please confirm them with a partner organisation before you act."
)
EXPECTED = {"legal": LAWYER, "social": RULES, "psychological": None}


def shown(language: str, slug: str, *, draft: bool, reviewed: bool) -> str:
    [entry] = [e for e in faq_entries() if e["slug"] == slug]
    text = entry["translations"][language]
    event = FaqShown(
        slug, text["question"], text["answer"], language, draft, False, entry["category"], reviewed
    )
    actions, _ = step(State(locale=language, step=Step.DESCRIBE), event)
    return actions[0].text  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("entry", faq_entries(), ids=lambda e: e["slug"])
def test_an_unchecked_answer_carries_the_note_that_fits_it(language: str, entry: dict) -> None:  # type: ignore[type-arg]
    t = translator(language)
    text = shown(language, entry["slug"], draft=True, reviewed=False)
    fitting = EXPECTED[entry["category"]]
    for note in (LAWYER, RULES):
        assert (t._(note) in text) == (note == fitting), (entry["slug"], note)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reviewed_published_answer_carries_no_note(language: str) -> None:
    t = translator(language)
    text = shown(language, "free-legal-aid", draft=False, reviewed=True)
    assert t._(LAWYER) not in text and t._(RULES) not in text
