"""The migrant's journey through the pure step function, in each of the four languages.

No database and no model: each message comes with a fixed understanding, so these
tests pin down what the conversation does with it (bot/flows/conversation.mmd).
"""

from __future__ import annotations

import pytest

from bot.flows.actions import CreateCase, EraseMe, Reply, SaveClient, ShowFaq
from bot.flows.events import CaseCreated, Erased, FaqShown
from bot.flows.state import Consent, Draft, State, Step
from bot.flows.texts import topic
from bot.i18n import translator
from tests.flows.conftest import Chat, says_in

WAGES = {
    "uk": "Роботодавець не платить мені зарплату вже два місяці. Що робити?",
    "ru": "Работодатель не платит мне зарплату уже два месяца. Что делать?",
    "en": "My employer has not paid my salary for two months. What can I do?",
    "pl": "Pracodawca nie płaci mi pensji od dwóch miesięcy. Co mam robić?",
}
DANGER = {
    "uk": "Чоловік б'є мене і каже, що вб'є. Я з дітьми у ванній.",
    "ru": "Муж бьет меня и говорит, что убьет. Я с детьми в ванной.",
    "en": "My husband is beating me and says he will kill me. I am in the bathroom with the kids.",
    "pl": "Mąż mnie bije i mówi, że mnie zabije. Jestem z dziećmi w łazience.",
}
EMERGENCY = (
    "If you or someone near you is in danger right now, call 112: police, ambulance "
    "and fire brigade. It is free from any phone, and operators often speak English."
)


def agree(chat: Chat) -> None:
    """/start, the person's language, consent: the way in, checked in the journey test."""
    chat.command("start")
    chat.press(f"lang:{chat.lang}")
    chat.press("consent:yes")


def test_a_person_goes_from_the_greeting_to_a_case(chat: Chat) -> None:
    chat.command("start")
    assert chat.state.step == Step.CHOOSE_LANGUAGE
    says_in(chat.lang, chat.text(), "Hello! I am Razem, the help desk of organisations "
            "that help migrants and refugees in Poland.")  # fmt: skip
    says_in(chat.lang, chat.text(), "Which language is easiest for you?")
    assert chat.buttons == ["lang:uk", "lang:ru", "lang:en", "lang:pl"]

    chat.press(f"lang:{chat.lang}")
    assert chat.effects == [SaveClient(language=chat.lang)]
    assert chat.state.step == Step.CONSENT and chat.state.locale == chat.lang
    says_in(chat.lang, chat.text(), "Before I pass your request to a person, I need your consent.")
    assert chat.buttons == ["consent:yes", "consent:no"]

    chat.press("consent:yes")
    assert chat.effects == [SaveClient(language=chat.lang, consent=True)]
    assert chat.state.consent == Consent.GIVEN and chat.state.step == Step.DESCRIBE

    chat.says(WAGES[chat.lang], subcategory="legal_work", confidence=0.9)
    assert chat.state.step == Step.CONFIRM_CATEGORY
    assert topic(translator(chat.lang), "legal_work") in chat.text()
    says_in(chat.lang, chat.text(), "Is that right?")
    assert chat.buttons == ["confirm:yes", "confirm:no"]

    chat.press("confirm:yes")
    assert chat.state.step == Step.ASK_CITY
    says_in(chat.lang, chat.text(), "Where are you? The organisation closest to you will answer.")
    assert "city:Lublin" in chat.buttons and "city:online" in chat.buttons

    chat.press("city:Lublin")
    assert chat.state.step == Step.ASK_DETAILS and chat.buttons == ["details:skip"]

    chat.says("+48 600 000 000, after 18:00")
    assert chat.effects == [
        CreateCase(category="legal", subcategory="legal_work", language=chat.lang, city="Lublin",
                   urgent=False, urgent_signals=(), confidence=0.9, words=(WAGES[chat.lang],),
                   details="+48 600 000 000, after 18:00")
    ]  # fmt: skip

    chat.send(CaseCreated("L-1001", "Homo Faber", urgent=False))
    assert "L-1001" in chat.text() and "Homo Faber" in chat.text()
    says_in(chat.lang, chat.text(), "If you are in danger, call 112.")
    assert chat.state.step == Step.DESCRIBE and chat.state.draft == Draft()


def test_no_language_question_when_the_text_and_the_phone_agree(chat: Chat) -> None:
    chat.says(WAGES[chat.lang], subcategory="legal_work", confidence=0.9)
    assert chat.state.step == Step.CONSENT
    assert chat.effects == [SaveClient(language=chat.lang)]
    assert chat.buttons == ["consent:yes", "consent:no", "menu:language"]
    chat.press("consent:yes")
    assert chat.state.step == Step.CONFIRM_CATEGORY


def test_what_was_written_before_the_language_is_not_asked_again(chat: Chat) -> None:
    # The text's language is unclear: the language is asked, and the words wait.
    chat.says(WAGES[chat.lang], subcategory="legal_work", confidence=0.9, language="unknown")
    assert chat.state.step == Step.CHOOSE_LANGUAGE and not chat.effects
    chat.press(f"lang:{chat.lang}")
    chat.press("consent:yes")
    assert chat.state.step == Step.CONFIRM_CATEGORY
    assert topic(translator(chat.lang), "legal_work") in chat.text()


def test_skipping_the_details_creates_the_case_with_the_persons_words(chat: Chat) -> None:
    agree(chat)
    chat.says(WAGES[chat.lang], subcategory="legal_work", confidence=0.4)
    assert chat.state.step == Step.CHOOSE_CATEGORY  # not sure enough to ask "is that right?"
    chat.press("cat:social")
    chat.press("city:online")
    chat.press("details:skip")
    (case,) = chat.effects
    assert isinstance(case, CreateCase)
    assert (case.category, case.subcategory, case.city) == ("social", "social_other", "online")
    assert case.words == (WAGES[chat.lang],) and case.details is None


@pytest.mark.parametrize("consent", [Consent.UNKNOWN, Consent.DECLINED, Consent.GIVEN])
def test_an_urgent_message_shows_the_emergency_numbers_first(chat: Chat, consent: Consent) -> None:
    chat.state = State(step=Step.DESCRIBE, locale=chat.lang, consent=consent)
    if consent == Consent.UNKNOWN:
        chat.state.step = Step.NEW  # the very first message
    chat.says(DANGER[chat.lang], subcategory="legal_family", urgent=True,
              urgent_signals=("violence",))  # fmt: skip
    first = chat.actions[0]
    assert isinstance(first, Reply) and first.emergency
    says_in(chat.lang, first.text, EMERGENCY)
    assert chat.state.draft.urgent and chat.state.draft.urgent_signals == ["violence"]
    if consent == Consent.GIVEN:
        # No "is that right?" in danger: straight to where the person is.
        assert chat.state.step == Step.ASK_CITY
    elif consent == Consent.DECLINED:
        assert chat.state.step == Step.CONSENT
    else:
        # In danger no language question: straight to consent, in the guessed language.
        assert chat.state.step == Step.CONSENT


def test_an_urgent_case_is_marked_urgent(chat: Chat) -> None:
    agree(chat)
    chat.says(DANGER[chat.lang], subcategory="legal_family", urgent=True,
              urgent_signals=("violence",))  # fmt: skip
    chat.press("city:Warszawa")
    chat.press("details:skip")
    (case,) = chat.effects
    assert isinstance(case, CreateCase) and case.urgent and case.urgent_signals == ("violence",)
    chat.send(CaseCreated("L-1002", "Homo Faber", urgent=True))
    says_in(chat.lang, chat.text(), "It is marked as urgent: a person will look at it first.")


def test_a_confident_faq_match_is_answered_and_asks_if_it_helped(chat: Chat) -> None:
    agree(chat)
    chat.says("free legal aid?", subcategory="legal_other", faq="free-legal-aid", faq_score=0.8)
    assert chat.effects == [ShowFaq("free-legal-aid", chat.lang)]
    assert chat.state.step == Step.FAQ_FEEDBACK

    chat.send(
        FaqShown("free-legal-aid", "Q?", "The answer.", chat.lang, draft=False, expired=False)
    )
    assert "The answer." in chat.text()
    says_in(chat.lang, chat.text(), "Did this answer help?")
    assert chat.buttons == ["helped:yes", "helped:no"]

    chat.press("helped:yes")
    assert chat.state.step == Step.DESCRIBE and chat.state.draft == Draft()
    says_in(chat.lang, chat.text(), "I'm glad it helped. You can write again at any time.")


def test_an_unhelpful_faq_answer_leads_to_a_person(chat: Chat) -> None:
    agree(chat)
    chat.says("free legal aid?", subcategory="legal_other", faq="free-legal-aid", faq_score=0.8)
    chat.press("helped:no")
    assert chat.state.step == Step.ASK_CITY


def test_a_weak_faq_match_is_not_answered(chat: Chat) -> None:
    agree(chat)
    chat.says(WAGES[chat.lang], subcategory="legal_work", faq="free-legal-aid", faq_score=0.3)
    assert not chat.effects and chat.state.step == Step.CONFIRM_CATEGORY


def test_without_consent_nothing_reaches_a_person(chat: Chat) -> None:
    chat.command("start")
    chat.press(f"lang:{chat.lang}")
    chat.press("consent:no")
    assert chat.effects == [SaveClient(language=chat.lang, consent=False)]
    assert chat.state.consent == Consent.DECLINED and chat.state.step == Step.DESCRIBE
    says_in(chat.lang, chat.text(), "All right. I will not pass anything to a person. "
            "You can still read answers to common questions, and agree later with /start.")  # fmt: skip

    chat.says(WAGES[chat.lang], subcategory="legal_work", confidence=0.9)
    chat.press("confirm:yes")
    assert chat.state.step == Step.CONSENT  # asked again, never a case without it
    assert not any(isinstance(a, CreateCase) for a in chat.actions)

    chat.press("consent:yes")  # the request goes on where it was
    assert chat.state.draft.words == [WAGES[chat.lang]]
    chat.press("confirm:yes")
    assert chat.state.step == Step.ASK_CITY


def test_forget_asks_first_then_starts_afresh(chat: Chat) -> None:
    agree(chat)
    chat.says(WAGES[chat.lang], subcategory="legal_work")
    chat.command("forget")
    assert chat.state.step == Step.CONFIRM_FORGET
    assert chat.buttons == ["forget:yes", "forget:no"]

    chat.press("forget:no")
    assert not chat.effects and chat.state.step == Step.DESCRIBE
    says_in(chat.lang, chat.text(), "Nothing was deleted.")

    chat.command("forget")
    chat.press("forget:yes")
    assert chat.effects == [EraseMe()]
    chat.send(Erased(cases=0, messages=1))
    # Nothing is kept, not even the language; the goodbye is still in it.
    assert chat.state == State()
    says_in(chat.lang, chat.text(), "Your data has been deleted. "
            "If you write again, we will start from the beginning.")  # fmt: skip


def test_words_typed_at_a_button_question_are_kept_and_the_question_shown_again(
    chat: Chat,
) -> None:
    chat.command("start")
    chat.press(f"lang:{chat.lang}")
    chat.says("hmm?", subcategory="other_offtopic", confidence=0.3)
    assert chat.state.step == Step.CONSENT and not chat.effects
    says_in(chat.lang, chat.text(), "I have added this to your request.")
    assert chat.state.draft.words == ["hmm?"]
    assert chat.buttons == ["consent:yes", "consent:no"]


def test_a_greeting_at_a_button_question_is_not_kept(chat: Chat) -> None:
    chat.command("start")
    chat.press(f"lang:{chat.lang}")
    chat.says("hello", subcategory="other_greeting", confidence=0.9)
    assert chat.state.step == Step.CONSENT and chat.state.draft.words == []
    says_in(chat.lang, chat.text(), "Please choose one of the options below, or write /menu to start again.")  # fmt: skip


@pytest.mark.parametrize("typed", ["Warszawa", "Варшава", "warsaw", "w Warszawie"])
def test_a_city_can_be_typed_instead_of_pressed(chat: Chat, typed: str) -> None:
    agree(chat)
    chat.says(WAGES[chat.lang], subcategory="legal_work")
    chat.press("confirm:yes")
    chat.says(typed, subcategory="other_offtopic", confidence=0.3)
    assert chat.state.step == Step.ASK_DETAILS and chat.state.draft.city == "Warszawa"


def test_a_button_from_an_old_message_is_answered_not_obeyed(chat: Chat) -> None:
    agree(chat)
    chat.press("city:Lublin")
    assert chat.state.step == Step.DESCRIBE and chat.state.draft.city is None
    says_in(chat.lang, chat.text(), "That button belongs to an earlier message.")
