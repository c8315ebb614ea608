"""Once a partner takes a case, the person's messages go to that case and are not triaged."""

from __future__ import annotations

import threading

from sqlalchemy import select

from bot.bootstrap import Storage
from bot.domain import MessageDirection
from bot.i18n import translator
from bot.services.results import Done, RefusalReason, Refused
from bot.services.staff_cases import claim_case
from bot.storage.models import Case, CaseMessage
from tests.conversations.test_journeys import LEGAL, start
from tests.support.person import Person
from tests.support.staff import staff_of


def make_case(person: Person, city: str = "Lublin") -> None:
    start(person, "uk", LEGAL["uk"])
    person.press("consent:yes")
    person.agree_it_is_right()
    person.press(f"city:{city}")
    person.press("details:skip")


def test_messages_after_take_go_to_the_case_not_to_triage(person: Person, seeded: Storage) -> None:
    make_case(person)
    with seeded.session_factory() as session:
        reference = session.scalars(select(Case.reference)).one()
    staff = staff_of(seeded, "homo-faber", "Anna")
    assert claim_case(seeded.session_factory, reference, staff) == Done()

    replies = person.says("Ще питання: у мене є договір, надіслати фото?")
    assert replies == []  # the staff member answers, not the bot
    replies = person.says("I want to kill myself")  # even then: numbers first, and relayed
    assert replies[0].emergency
    with seeded.session_factory() as session:
        texts = [m.text for m in session.scalars(select(CaseMessage).order_by(CaseMessage.id))]
        assert session.scalars(select(Case)).one().status.value == "claimed"
    assert texts[-2:] == ["Ще питання: у мене є договір, надіслати фото?", "I want to kill myself"]
    replies = person.command("menu")  # a new request is still possible
    assert translator("uk")._(
        "Tell me in your own words what happened or what you need. You can write in several messages."
    ) in person.text(replies)


def test_only_the_right_partner_can_take_and_only_once(seeded: Storage, person: Person) -> None:
    make_case(person)
    with seeded.session_factory() as session:
        reference = session.scalars(select(Case.reference)).one()
    outsider = staff_of(seeded, "sip", "Piotr")
    assert claim_case(seeded.session_factory, reference, outsider) == Refused(
        RefusalReason.NOT_FOUND  # another partner's case: as if it did not exist
    )

    first, second = staff_of(seeded, "homo-faber", "Anna"), staff_of(seeded, "homo-faber", "Oksana")
    results: dict[int, bool] = {}
    barrier = threading.Barrier(2)

    def take(staff: int) -> None:
        barrier.wait()
        results[staff] = claim_case(seeded.session_factory, reference, staff) == Done()

    threads = [threading.Thread(target=take, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [False, True]
    with seeded.session_factory() as session:
        case = session.scalars(select(Case)).one()
        winner = next(s for s, won in results.items() if won)
        assert case.assignee_id == winner and case.claimed_at is not None
        assert session.scalars(select(CaseMessage.direction)).all() == [
            MessageDirection.FROM_CLIENT
        ]


def test_the_faq_browser_and_the_fallback_language_note(person: Person, seeded: Storage) -> None:
    from bot.storage.models import FaqEntry, FaqTranslation

    with seeded.session_factory.begin() as session:
        entry = session.scalars(select(FaqEntry).where(FaqEntry.slug == "school-enrolment")).one()
        session.delete(session.scalars(select(FaqTranslation).where(
            FaqTranslation.entry_id == entry.id, FaqTranslation.language == "ru")).one())  # fmt: skip
    t = translator("ru")
    start(person, "ru")
    person.press("consent:no")
    person.press_stale("menu:faq")
    replies = person.press("topic:social")
    assert person.visible("faq:school-enrolment")
    replies = person.press("faq:school-enrolment")
    shown = person.text(replies)
    assert (
        t._(
            "This answer is not yet available in your language, so it is shown in another language."
        )
        in shown
    )
    assert "school" in shown.lower()  # the English answer, the first fallback
