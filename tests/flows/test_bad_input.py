"""What a person might send that nobody planned for: nothing, too much, control
characters, commands nobody knows. The step always answers and stays in shape."""

from __future__ import annotations

import pytest

from bot.flows.actions import CreateCase, Reply
from bot.flows.state import MAX_DRAFT_CHARS, MAX_DRAFT_MESSAGES, Consent, State, Step
from tests.flows.conftest import Chat, says_in

ODD = {
    "empty": "",
    "blank": " \n\t ",
    "huge": "я " * 60_000,
    "control": "\x00\x07\x1b[31mhello\u202e\u200b",
    "emoji": "😭" * 500,
}


def ready(chat: Chat, step: Step) -> None:
    chat.state = State(step=step, locale=chat.lang, consent=Consent.GIVEN)


@pytest.mark.parametrize("kind", ODD)
@pytest.mark.parametrize("at", [Step.NEW, Step.DESCRIBE, Step.CONSENT, Step.ASK_CITY])
def test_odd_text_gets_an_answer_and_a_state_that_survives_storage(
    chat: Chat, kind: str, at: Step
) -> None:
    ready(chat, at)
    chat.says(ODD[kind], language="unknown", subcategory="other_offtopic", confidence=0.2)
    assert chat.replies, "a person must never be left without an answer"
    assert all(isinstance(reply, Reply) and reply.text for reply in chat.replies)
    assert State.from_document(chat.state.to_document()) == chat.state
    assert sum(len(words) for words in chat.state.draft.words) <= MAX_DRAFT_CHARS


def test_details_are_cut_to_a_sane_length_and_empty_details_are_none(chat: Chat) -> None:
    ready(chat, Step.ASK_DETAILS)
    chat.state.draft.words, chat.state.draft.category = ["words"], "legal"
    chat.says(ODD["huge"])
    (case,) = chat.effects
    assert isinstance(case, CreateCase) and case.details and len(case.details) <= 2000

    ready(chat, Step.ASK_DETAILS)
    chat.state.draft.words, chat.state.draft.category = ["words"], "legal"
    chat.says(ODD["blank"])
    (case,) = chat.effects
    assert isinstance(case, CreateCase) and case.details is None


def test_a_long_story_in_many_messages_keeps_only_the_latest(chat: Chat) -> None:
    ready(chat, Step.DESCRIBE)
    for n in range(MAX_DRAFT_MESSAGES + 5):
        chat.says(f"message {n} " + "x" * 50, subcategory="other_offtopic", confidence=0.2)
        chat.state.step = Step.DESCRIBE
    words = chat.state.draft.words
    assert len(words) == MAX_DRAFT_MESSAGES and words[-1].startswith(f"message {n} ")


@pytest.mark.parametrize("name", ["nonsense", "", "/" * 300, "START"])
def test_an_unknown_command_is_answered_in_the_persons_language(chat: Chat, name: str) -> None:
    ready(chat, Step.DESCRIBE)
    chat.command(name)
    if name.lower() == "start":
        assert chat.state.step == Step.DESCRIBE  # commands ignore case
        return
    says_in(chat.lang, chat.text(), "I don't know this command.")


@pytest.mark.parametrize(
    "payload",
    ["", ":", "lang:xx", "city:Paris", "rate:L-1:five", "rate::3", "topic:weapons", "x" * 5000],
)
def test_a_forged_or_broken_button_changes_nothing_it_should_not(chat: Chat, payload: str) -> None:
    ready(chat, Step.ASK_CITY)
    chat.state.draft.words = ["words"]
    chat.press(payload)
    assert not chat.effects
    assert chat.state.step == Step.ASK_CITY and chat.state.draft.city is None
    assert chat.state.locale == chat.lang
    assert chat.replies
