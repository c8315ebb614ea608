"""The person's words follow docs/glossary.md: no staff word for their request, no
queue, no "we will tie you up", no calques; Polish office words kept beside their
translation in the FAQ."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.flows.actions import Reply
from bot.flows.conversation import step
from bot.flows.events import CaseCreated, CasesListed, CaseSummary
from bot.flows.state import State, Step
from bot.i18n import translator
from tests.i18n.words import LANGUAGES, faq_entries, faq_texts, glossary_table, person_strings

NEVER = glossary_table("## Never in what the person reads (checked)")
OFFICE_WORDS = glossary_table("## Polish office words (checked)")
NOW = datetime(2026, 4, 21, 9, 0, tzinfo=UTC)


def test_the_glossary_tables_are_there_and_compile() -> None:
    assert len(NEVER) >= 15 and len(OFFICE_WORDS) >= 8
    for row in NEVER:
        assert row[0] in LANGUAGES, row
        re.compile(row[1])
    for row in OFFICE_WORDS:
        for pattern in row[:4]:
            re.compile(pattern)


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_the_person_reads_never_uses_the_forbidden_forms(language: str) -> None:
    rules = [(re.compile(row[1]), row[2]) for row in NEVER if row[0] == language]
    found = [
        f"{shown.where}: {pattern.pattern!r} ({why}) in {shown.text!r}"
        for shown in person_strings(language) + faq_texts(language)
        for pattern, why in rules
        if pattern.search(shown.text)
    ]
    assert found == []


@pytest.mark.parametrize("language", ["uk", "ru", "en"])
def test_an_office_named_in_translation_also_carries_its_polish_name(language: str) -> None:
    column = {"en": 1, "uk": 2, "ru": 3}[language]
    missing = []
    for entry in faq_entries():
        answer = entry["translations"][language]["answer"]
        for row in OFFICE_WORDS:
            polish, translated = row[0], row[column]
            if re.search(translated, answer) and polish not in answer:
                missing.append(f"{entry['slug']}: {translated!r} without ({polish})")
    assert missing == []


def test_the_return_decision_entry_names_the_border_guard() -> None:
    [entry] = [e for e in faq_entries() if e["slug"] == "return-decision-deadlines"]
    for language in LANGUAGES:
        assert "Straż Graniczna" in entry["translations"][language]["answer"], language


def test_the_checks_catch_what_the_review_found() -> None:
    """The rules are not vacuous: each finding of the review trips its rule."""
    samples = {
        "uk": "Юрист може перевірити вашу справу — напишіть тут, і ми вас зв'яжемо просто зараз.",
        "ru": "Юрист может проверить ваше дело — напишите здесь, и мы вас свяжем.",
        "pl": "Prawnik może sprawdzić twoją sprawę. Pomoc socjalna.",
        "en": "Your case was passed to the coordinators' queue.",
    }
    for language, sample in samples.items():
        hits = {row[1] for row in NEVER if row[0] == language and re.search(row[1], sample)}
        assert len(hits) >= 2, (language, hits)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fallback_is_the_consortium_s_coordinators_in_the_person_s_language(
    language: str,
) -> None:
    t = translator(language)
    created = CaseCreated("O-1001", "Koordynatorzy konsorcjum", False, coordinators=True)
    actions, state = step(State(locale=language, step=Step.ASK_DETAILS), created)
    listed = CasesListed(
        (CaseSummary("O-1001", "new", "social", "Koordynatorzy konsorcjum", NOW, NOW, True),)
    )
    actions += step(state, listed)[0]
    text = "\n".join(action.text for action in actions if isinstance(action, Reply))
    assert text.count(t._("the consortium's coordinators")) == 2, text
    queue = [row[1] for row in NEVER if row[0] == language and row[2].startswith("a queue")]
    assert not any(re.search(pattern, text) for pattern in queue), text
