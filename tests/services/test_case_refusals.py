"""Every refusal of a case action carries its reason, on SQLite and PostgreSQL; another
partner's case is refused exactly like a missing one; each reason reads as one sentence
in every language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import Storage
from bot.domain import CaseStatus, Channel
from bot.i18n import LOCALES, translator
from bot.services import cases, clients, staff_cases
from bot.services.results import Done, RefusalReason, Refused, Transferred, refusal_text
from bot.storage.models import Case, OutboxMessage, Partner, StaffMember
from tests.support.staff import staff_of

CHAT = "refusals-1"


@dataclass(frozen=True)
class World:
    """A Ukrainian legal case in Lublin (homo-faber's queue), Anna of homo-faber and
    Piotr of sip."""

    storage: Storage
    reference: str
    anna: int
    piotr: int

    @property
    def factory(self) -> sessionmaker[Session]:
        return self.storage.session_factory

    def take_and_close(self) -> None:
        assert staff_cases.claim_case(self.factory, self.reference, self.anna) == Done()
        assert staff_cases.close_case(self.factory, self.reference, self.anna) == Done()


@pytest.fixture
def world(seeded: Storage) -> World:
    clients.save_client(seeded.session_factory, Channel.TERMINAL, CHAT, "uk", consent=True)
    created = cases.create_case(
        seeded.session_factory,
        Channel.TERMINAL,
        CHAT,
        cases.NewCase("legal", "legal_work", "uk", "Lublin", False, (), 0.9, ("umowa",), None),
    )
    with seeded.session_factory() as session:
        partner = session.scalars(
            select(Partner.slug).join(Case, Case.partner_id == Partner.id)
        ).one()
    assert partner == "homo-faber"
    return World(
        seeded,
        created.reference,
        staff_of(seeded, "homo-faber", "Anna"),
        staff_of(seeded, "sip", "Piotr"),
    )


def _not_found(w: World) -> Refused | Done:
    return staff_cases.close_case(w.factory, "L-9999", w.anna)


def _staff_inactive(w: World) -> Refused | Done:
    with w.factory.begin() as session:
        session.execute(update(StaffMember).where(StaffMember.id == w.anna).values(active=False))
    return staff_cases.claim_case(w.factory, w.reference, w.anna)


def _already_taken(w: World) -> Refused | Done:
    oksana = staff_of(w.storage, "homo-faber", "Oksana")
    assert staff_cases.claim_case(w.factory, w.reference, oksana) == Done()
    return staff_cases.claim_case(w.factory, w.reference, w.anna)


def _not_taken(w: World) -> Refused | Done:
    return staff_cases.staff_message(
        w.factory, w.reference, w.anna, "Dzień dobry", from_console=True
    )


def _not_open(w: World) -> Refused | Done:
    w.take_and_close()
    return staff_cases.claim_case(w.factory, w.reference, w.anna)


def _not_closed(w: World) -> Refused | Done:
    assert staff_cases.claim_case(w.factory, w.reference, w.anna) == Done()
    return staff_cases.reopen_case(w.factory, w.reference, w.anna)


def _reopen_window_passed(w: World) -> Refused | Done:
    w.take_and_close()
    closed_long_ago = staff_cases.REOPEN_WINDOW_DAYS + 1
    with w.factory.begin() as session:
        case = session.scalars(select(Case).where(Case.reference == w.reference)).one()
        assert case.closed_at is not None
        case.closed_at = case.closed_at - timedelta(days=closed_long_ago)
    return staff_cases.reopen_case(w.factory, w.reference, w.anna)


def _person_erased(w: World) -> Refused | Done:
    w.take_and_close()
    clients.erase_client(w.factory, Channel.TERMINAL, CHAT)
    return staff_cases.reopen_case(w.factory, w.reference, w.anna)


def _unknown_partner(w: World) -> Refused | Done:
    return staff_cases.transfer_case(w.factory, w.reference, w.anna, "nobody", "bo tak")


def _same_partner(w: World) -> Refused | Done:
    return staff_cases.transfer_case(w.factory, w.reference, w.anna, "homo-faber", "bo tak")


def _partner_not_accepting(w: World) -> Refused | Done:
    return staff_cases.transfer_case(w.factory, w.reference, w.anna, "amnesty", "bo tak")


def _invalid_rating(w: World) -> Refused | Done:
    w.take_and_close()
    return staff_cases.rate_case(w.factory, CHAT, w.reference, 9)


PROVOKE: dict[RefusalReason, Callable[[World], Refused | Done]] = {
    RefusalReason.NOT_FOUND: _not_found,
    RefusalReason.STAFF_INACTIVE: _staff_inactive,
    RefusalReason.ALREADY_TAKEN: _already_taken,
    RefusalReason.NOT_TAKEN: _not_taken,
    RefusalReason.NOT_OPEN: _not_open,
    RefusalReason.NOT_CLOSED: _not_closed,
    RefusalReason.REOPEN_WINDOW_PASSED: _reopen_window_passed,
    RefusalReason.PERSON_ERASED: _person_erased,
    RefusalReason.UNKNOWN_PARTNER: _unknown_partner,
    RefusalReason.SAME_PARTNER: _same_partner,
    RefusalReason.PARTNER_NOT_ACCEPTING: _partner_not_accepting,
    RefusalReason.INVALID_RATING: _invalid_rating,
}


def test_every_reason_has_a_story_that_provokes_it() -> None:
    assert set(PROVOKE) == set(RefusalReason)


@pytest.mark.parametrize("reason", list(RefusalReason))
def test_each_refusal_names_its_reason_and_changes_nothing(
    world: World, reason: RefusalReason
) -> None:
    before = _snapshot(world)
    if reason in (RefusalReason.NOT_OPEN, RefusalReason.REOPEN_WINDOW_PASSED,
                  RefusalReason.PERSON_ERASED, RefusalReason.INVALID_RATING,
                  RefusalReason.NOT_CLOSED, RefusalReason.ALREADY_TAKEN):  # fmt: skip
        before = None  # their stories change the case on purpose before the refusal
    after_story = PROVOKE[reason](world)
    assert after_story == Refused(reason)
    if before is not None:
        assert _snapshot(world) == before


def _outbox_size(w: World) -> int:
    with w.factory() as session:
        return len(session.scalars(select(OutboxMessage.id)).all())


def _snapshot(w: World) -> tuple[object, ...]:
    with w.factory() as session:
        case = session.scalars(select(Case).where(Case.reference == w.reference)).one()
        return case.status, case.partner_id, case.assignee_id, case.rating


def test_another_partners_case_is_refused_like_a_missing_one(world: World) -> None:
    w = world
    for other, missing in (
        (staff_cases.claim_case(w.factory, w.reference, w.piotr),
         staff_cases.claim_case(w.factory, "L-9999", w.piotr)),
        (staff_cases.staff_message(w.factory, w.reference, w.piotr, "x", from_console=True),
         staff_cases.staff_message(w.factory, "L-9999", w.piotr, "x", from_console=True)),
        (staff_cases.close_case(w.factory, w.reference, w.piotr),
         staff_cases.close_case(w.factory, "L-9999", w.piotr)),
        (staff_cases.reopen_case(w.factory, w.reference, w.piotr),
         staff_cases.reopen_case(w.factory, "L-9999", w.piotr)),
        (staff_cases.transfer_case(w.factory, w.reference, w.piotr, "sip", "x"),
         staff_cases.transfer_case(w.factory, "L-9999", w.piotr, "sip", "x")),
        (staff_cases.rate_case(w.factory, "someone-else", w.reference, 5),
         staff_cases.rate_case(w.factory, "someone-else", "L-9999", 5)),
        (cases.cancel_case(w.factory, Channel.TERMINAL, "someone-else", w.reference),
         cases.cancel_case(w.factory, Channel.TERMINAL, "someone-else", "L-9999")),
    ):  # fmt: skip
        assert other == missing == Refused(RefusalReason.NOT_FOUND)
    with w.factory() as session:
        assert session.scalars(select(Case.status)).one() == CaseStatus.NEW


def test_the_person_cancels_once_and_rates_only_a_closed_case(world: World) -> None:
    w = world
    assert staff_cases.rate_case(w.factory, CHAT, w.reference, 5) == Refused(
        RefusalReason.NOT_CLOSED
    )
    assert cases.cancel_case(w.factory, Channel.TERMINAL, CHAT, w.reference) == Done()
    assert cases.cancel_case(w.factory, Channel.TERMINAL, CHAT, w.reference) == Refused(
        RefusalReason.NOT_OPEN
    )


def test_a_case_goes_through_its_life_with_done_at_each_step(world: World) -> None:
    w = world
    f, ref = w.factory, w.reference
    assert staff_cases.close_case(f, ref, w.anna) == Refused(RefusalReason.NOT_TAKEN)
    assert staff_cases.claim_case(f, ref, w.anna) == Done()
    sent = _outbox_size(w)
    assert staff_cases.claim_case(f, ref, w.anna) == Done()  # a double click: nothing more
    assert _outbox_size(w) == sent
    assert staff_cases.staff_message(f, ref, w.anna, "Dzień dobry", from_console=True) == Done()
    assert staff_cases.staff_message(f, ref, w.anna, "notatka", note=True) == Done()
    assert staff_cases.close_case(f, ref, w.anna) == Done()
    assert staff_cases.close_case(f, ref, w.anna) == Refused(RefusalReason.NOT_OPEN)
    assert staff_cases.rate_case(f, CHAT, ref, 4) == Done()
    assert staff_cases.reopen_case(f, ref, w.anna) == Done()
    moved = staff_cases.transfer_case(f, ref, w.anna, "sip", "potrzebny adwokat")
    assert moved == Transferred("Stowarzyszenie Interwencji Prawnej (SIP)")
    assert staff_cases.claim_case(f, ref, w.anna) == Refused(RefusalReason.NOT_FOUND)


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale != "en"])
def test_every_reason_reads_as_its_own_translated_sentence(locale: str) -> None:
    english, t = translator("en"), translator(locale)
    sentences = {reason: refusal_text(reason, t) for reason in RefusalReason}
    assert len(set(sentences.values())) == len(RefusalReason)  # no two reasons read alike
    for reason, sentence in sentences.items():
        assert sentence != refusal_text(reason, english), (locale, reason)
