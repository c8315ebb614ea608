"""Facts say the same in every language, and a deadline still ahead is never told in
the past tense ("you had to confirm by 31 August" reads as "too late, you are now
illegal" to the person who still has time)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from tests.i18n.facts import Facts, dated, facts
from tests.i18n.words import FACTS, LANGUAGES, faq_entries

TABLE = yaml.safe_load(FACTS.read_text(encoding="utf-8"))["entries"]

# Past forms a deadline sentence uses: "had to", "you were required to", "it expired".
PAST = {
    "uk": r"треба було|потрібно було|слід було|мали|мусили|мав|мала|не підтвердили|підтвердили|закінчився|минув|сплив",
    "ru": r"нужно было|надо было|следовало|должны были|должен был|должна была|не подтвердили|подтвердили|истёк|истек|прошёл",
    "en": r"had to|was due|were due|were required|was required|expired|ended|was not confirmed|were not confirmed",
    "pl": r"musiały|musieli|musiał|musiała|trzeba było|należało|minął|upłynął|nie potwierdzono|potwierdzono",
}


def test_every_faq_entry_has_its_facts_in_the_table() -> None:
    assert sorted(TABLE) == sorted(entry["slug"] for entry in faq_entries())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_states_the_facts_of_the_table(language: str) -> None:
    differ = []
    for entry in faq_entries():
        row = TABLE[entry["slug"]]
        expected = Facts(*(frozenset(row[kind]) for kind in ("dates", "numbers", "links")))
        found = facts(entry["translations"][language]["answer"], language)
        if found != expected:
            differ.append((entry["slug"], found, expected))
    assert differ == []


def past_deadlines(text: str, language: str, written_on: date) -> list[str]:
    """Sentences that put a date still ahead on ``written_on`` in the past tense."""
    flagged = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        ahead = [when for when, _, _ in dated(sentence, language) if when > written_on]
        if ahead and re.search(rf"\b(?:{PAST[language]})\b", sentence):
            flagged.append(sentence)
    return flagged


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_deadline_still_ahead_is_not_told_in_the_past(language: str) -> None:
    """Ahead of the day the entry's facts were written (facts_as_of), which is the day
    the sentence speaks from; a deadline that has passed since needs a new review."""
    flagged = [
        (entry["slug"], sentence)
        for entry in faq_entries()
        for sentence in past_deadlines(
            entry["translations"][language]["answer"], language, entry["facts_as_of"]
        )
    ]
    assert flagged == []


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("uk", "Дані треба було підтвердити до 31 серпня 2026 року — інакше статус NUE."),
        ("ru", "Данные нужно было подтвердить до 31 августа 2026 года."),
        ("en", "You had to confirm your data by 31 August 2026."),
        ("pl", "Osoby bez dokumentu musiały potwierdzić dane do 31 sierpnia 2026 r."),
    ],
)
def test_the_review_s_past_tense_deadline_is_caught(language: str, sentence: str) -> None:
    assert past_deadlines(sentence, language, date(2026, 4, 21)) == [sentence]
    assert past_deadlines(sentence, language, date(2026, 9, 1)) == []


def test_a_number_missing_in_one_language_is_caught() -> None:
    en = facts("Call 112 or 116 123, see https://116sos.pl", "en")
    uk = facts("Телефонуйте 112, див. https://116sos.pl", "uk")
    assert en.numbers - uk.numbers == {"116 123"} and en.links == uk.links
