"""The migrant's journey end to end, in each of the four languages.

Each story asserts what the person sees (in their language, from the catalogs)
and what was stored.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bootstrap import Storage
from bot.domain import CaseStatus
from bot.i18n import translator
from bot.storage.models import Case, CaseMessage, Client, Partner
from tests.support.person import Person

LANGUAGES = ["uk", "ru", "en", "pl"]

LEGAL = {
    "uk": "Добрий день. Роботодавець не платить мені зарплату вже два місяці і погрожує звільнити. Що мені робити?",
    "ru": "Здравствуйте. Работодатель не платит мне зарплату уже два месяца и угрожает уволить. Что мне делать?",
    "en": "Hello. My employer has not paid my salary for two months and threatens to fire me. What can I do?",
    "pl": "Dzień dobry. Pracodawca nie płaci mi pensji od dwóch miesięcy i grozi zwolnieniem. Co mam robić?",
}
PSYCHOLOGICAL = {
    "uk": "Після переїзду я постійно тривожусь, не можу спати, сняться вибухи. Хочу поговорити з психологом.",
    "ru": "После переезда я постоянно тревожусь, не могу спать, снятся взрывы. Хочу поговорить с психологом.",
    "en": "Since we moved I am anxious all the time, I can't sleep and I dream of explosions. I want to talk to a psychologist.",
    "pl": "Od przeprowadzki ciągle się boję, nie mogę spać, śnią mi się wybuchy. Chcę porozmawiać z psychologiem.",
}
SOCIAL = {
    "uk": "Шукаю кімнату або квартиру для себе і дитини, власник виселяє нас до кінця місяця.",
    "ru": "Ищу комнату или квартиру для себя и ребенка, хозяин выселяет нас до конца месяца.",
    "en": "I am looking for a room or flat for me and my child, the landlord evicts us at the end of the month.",
    "pl": "Szukam pokoju albo mieszkania dla siebie i dziecka, właściciel wyrzuca nas do końca miesiąca.",
}
URGENT = {
    "uk": "Чоловік б'є мене, зараз він п'яний і сказав, що вб'є мене. Я з дітьми в ванній.",
    "ru": "Муж бьет меня, сейчас он пьяный и сказал, что убьет меня. Я с детьми в ванной.",
    "en": "My husband is beating me, he is drunk now and said he will kill me. I am in the bathroom with the kids.",
    "pl": "Mąż mnie bije, teraz jest pijany i powiedział, że mnie zabije. Jestem z dziećmi w łazience.",
}
FAQ = {
    "uk": "Де отримати безкоштовну юридичну допомогу від держави?",
    "ru": "Где получить бесплатную юридическую помощь от государства?",
    "en": "Where can I get free legal aid from the state?",
    "pl": "Gdzie dostać darmową pomoc prawną od państwa?",
}
# Vague enough that the (calibrated) NLU is unsure which kind of help is meant.
VAGUE = {
    "uk": "маю питання, потрібна консультація",
    "ru": "нужен совет",
    "en": "need a consultation",
    "pl": "potrzebuję konsultacji",
}


def start(person: Person, lang: str, first_message: str | None = None) -> None:
    person.command("start")
    if first_message:
        person.says(first_message)
    person.press(f"lang:{lang}")


def cases_of(storage: Storage) -> list[Case]:
    with storage.session_factory() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def partner_slug(storage: Storage, case: Case) -> str:
    with storage.session_factory() as session:
        return session.get(Partner, case.partner_id).slug  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("story", "category", "city", "partners"),
    [
        (LEGAL, "legal", "Lublin", {"homo-faber"}),
        (PSYCHOLOGICAL, "psychological", "Warszawa", {"pfm", "nasz-wybor"}),
        (SOCIAL, "social", "Poznań", {"mip"}),
    ],
)
def test_a_request_becomes_a_case_in_the_right_queue(
    person: Person,
    seeded: Storage,
    lang: str,
    story: dict[str, str],
    category: str,
    city: str,
    partners: set[str],
) -> None:
    t = translator(lang)
    start(person, lang, story[lang])
    assert t._("Before I pass your request to a person, I need your consent.") in person.text()
    person.press("consent:yes")
    person.agree_it_is_right()
    person.press(f"city:{city}")
    replies = person.press("details:skip")

    [case] = cases_of(seeded)
    assert (case.category, case.city, case.language) == (category, city, lang)
    assert case.status == CaseStatus.NEW and not case.urgent
    assert partner_slug(seeded, case) in partners
    assert story[lang] in (case.summary or "")
    assert case.routing_reason
    seen = person.text(replies)
    assert case.reference in seen
    assert t._("If you are in danger, call 112.") in seen
    if lang != "en":
        assert "If you are in danger" not in seen  # the catalog is really translated


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_urgent_message_shows_emergency_numbers_first_and_is_flagged(
    person: Person, seeded: Storage, lang: str
) -> None:
    person.language_code = lang
    first = person.says(URGENT[lang])
    # Violence at home: 112 first, then the domestic-violence line, not psychiatric lines.
    assert first[0].emergency and first[0].text.startswith(translator(lang)._(
        "If you or someone near you is in danger right now, call 112: police, ambulance "
        "and fire brigade. It is free from any phone, and operators often speak English."
    ))  # fmt: skip
    assert "800 120 002" in first[0].text and "800 70 2222" not in first[0].text
    # In danger, no language question: straight to consent, in the person's language.
    assert not person.visible(f"lang:{lang}")
    person.press("consent:yes")
    replies = person.press("city:Warszawa")  # urgent: no confirmation question
    replies = person.press("details:skip")
    [case] = cases_of(seeded)
    assert case.urgent and case.urgent_signals
    assert translator(lang)._(
        "It is marked as urgent: a person will look at it first."
    ) in person.text(replies)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_emergency_numbers_come_even_without_consent(
    person: Person, seeded: Storage, lang: str
) -> None:
    start(person, lang)
    person.press("consent:no")
    replies = person.says(URGENT[lang])
    assert replies[0].emergency
    assert translator(lang)._(
        "Before I pass your request to a person, I need your consent."
    ) in person.text(replies)
    assert cases_of(seeded) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_faq_question_is_answered_without_a_case(
    person: Person, seeded: Storage, lang: str
) -> None:
    t = translator(lang)
    start(person, lang)
    person.press("consent:yes")
    replies = person.says(FAQ[lang])
    shown = person.text(replies)
    assert t._("Did this answer help?") in shown
    assert (
        t._(
            "This answer has not yet been checked by a lawyer. Please confirm it with a partner organisation."
        )
        in shown
    )
    person.press("helped:yes")
    assert cases_of(seeded) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_low_confidence_is_resolved_with_buttons(
    person: Person, seeded: Storage, lang: str
) -> None:
    t = translator(lang)
    start(person, lang)
    person.press("consent:yes")
    parse = person.conversations.engine.parse(VAGUE[lang])
    assert parse.confidence < 0.6, (
        f"precondition: the NLU should be unsure of {VAGUE[lang]!r}: {parse}"
    )
    replies = person.says(VAGUE[lang])
    assert any(c.payload == "cat:social" for r in replies for row in r.rows for c in row), (
        person.text(replies)
    )
    person.press("cat:social")
    person.press("city:online")
    person.says("+48 600 000 000")
    [case] = cases_of(seeded)
    assert case.category == "social" and case.city == "online"
    assert partner_slug(seeded, case) == "consortium"  # no rule for social help online
    assert t._("the consortium's coordinators") in person.text()  # never a queue's name
    assert "+48 600 000 000" in (case.summary or "")
    assert (
        t._("A staff member will reply to you here, in this chat. You can follow it with /cases.")
        in person.text()
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_person_cancels_a_request(person: Person, seeded: Storage, lang: str) -> None:
    start(person, lang, LEGAL[lang])
    person.press("consent:yes")
    person.agree_it_is_right()
    person.press("city:Wrocław")
    person.press("details:skip")
    replies = person.command("cases")
    [case] = cases_of(seeded)
    assert case.reference in person.text(replies)
    person.press(f"cancel:{case.reference}")
    replies = person.press("cancelconfirm:yes")
    assert translator(lang)._(
        "Request {reference} is cancelled.", reference=case.reference
    ) in person.text(replies)
    assert cases_of(seeded)[0].status == CaseStatus.CANCELLED


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forget_erases_the_persons_data_and_keeps_anonymous_counts(
    person: Person, seeded: Storage, lang: str
) -> None:
    start(person, lang, SOCIAL[lang])
    person.press("consent:yes")
    person.agree_it_is_right()
    person.press("city:Poznań")
    person.press("details:skip")
    person.command("forget")
    replies = person.press("forget:yes")
    assert translator(lang)._(
        "Your data has been deleted. If you write again, we will start from the beginning."
    ) in person.text(replies)
    with seeded.session_factory() as session:
        assert session.scalars(select(Client)).all() == []
        assert session.scalars(select(CaseMessage)).all() == []
        [case] = session.scalars(select(Case)).all()
    assert case.summary is None and case.client_id is None
    assert case.status == CaseStatus.CANCELLED and case.category == "social"  # anonymous counters
    assert asyncio_state(person) is None


def asyncio_state(person: Person) -> dict | None:
    import asyncio

    from bot.state.port import StateKey

    return asyncio.run(person.conversations.state.get(StateKey("terminal", person.chat_id)))


@pytest.mark.parametrize(
    ("first", "second"), [("uk", "pl"), ("ru", "en"), ("en", "uk"), ("pl", "ru")]
)
def test_changing_language_midway(person: Person, seeded: Storage, first: str, second: str) -> None:
    start(person, first, LEGAL[first])
    person.press("consent:yes")
    person.command("language")
    replies = person.press(f"lang:{second}")
    assert translator(second)._("I will write to you in English from now on.") in person.text(
        replies
    )
    replies = person.agree_it_is_right()
    assert translator(second)._(
        "Where are you? The organisation closest to you will answer."
    ) in person.text(replies)
    person.press("city:Lublin")
    person.press("details:skip")
    [case] = cases_of(seeded)
    assert case.language == second


@pytest.mark.parametrize("lang", LANGUAGES)
def test_consent_declined_means_no_case_but_answers_still_come(
    person: Person, seeded: Storage, lang: str
) -> None:
    t = translator(lang)
    start(person, lang)
    person.press("consent:no")
    replies = person.says(FAQ[lang])
    assert t._("Did this answer help?") in person.text(replies)
    replies = person.press("helped:no")
    assert t._("Before I pass your request to a person, I need your consent.") in person.text(
        replies
    )
    person.command("mydata")
    assert cases_of(seeded) == []
    assert t._("No consent given: we pass nothing to a person.") in person.text()


def test_a_first_message_in_translit_is_answered_in_that_language(person: Person) -> None:
    person.command("start")  # the phone tells us nothing about the language
    replies = person.says(
        "pryvit, mene vyhnaly z kvartyry, my z dytynoju nochujemo na vokzali sohodni"
    )
    assert replies[0].emergency
    # A night without shelter: where to sleep tonight, not psychiatric crisis lines.
    assert replies[0].text.startswith(translator("uk")._(
        "For a place to sleep tonight: the social welfare centre of your city (MOPS) and the "
        "police know the night shelters. If you are in danger or out in the cold, call 112."
    ))  # fmt: skip
    assert "116 123" not in replies[0].text
    assert translator("uk")._(
        "Before I pass your request to a person, I need your consent."
    ) in person.text(replies)
    assert person.choices[0].payload == "consent:yes"
