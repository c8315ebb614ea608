"""Each change of a case sends its own messages, once: dedupe keys name the case, the
partner, the event and the case's version, never a time."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.bootstrap import Storage
from bot.domain import Channel
from bot.seed.loader import read_seed_data, seed
from bot.services.cases import NewCase, create_case
from bot.services.clients import save_client
from bot.services.partners import add_staff
from bot.services.results import Done, RefusalReason, Refused, Transferred
from bot.services.staff_cases import claim_case, close_case, reopen_case, transfer_case
from bot.storage.models import OutboxMessage
from tests.conftest import REPO


@pytest.fixture
def seeded(storage: Storage) -> Storage:
    seed(storage.session_factory, read_seed_data(REPO / "data"))
    return storage


def outbox(storage: Storage) -> list[tuple[str, str]]:
    with storage.session_factory() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(r.kind, r.chat_id) for r in rows]


def new_case(storage: Storage) -> str:
    save_client(storage.session_factory, Channel.TELEGRAM, "7001", "uk", consent=True)
    request = NewCase("legal", "legal_work", "uk", "Lublin", False, (), 0.9, ("Роботодавець не платить",), None)  # fmt: skip
    created = create_case(storage.session_factory, Channel.TELEGRAM, "7001", request)
    assert created.partner_slug == "homo-faber"
    return created.reference


def test_after_a_transfer_the_new_partners_take_gets_a_topic_and_a_taken_card(
    seeded: Storage,
) -> None:
    factory = seeded.session_factory
    reference = new_case(seeded)
    anna = add_staff(factory, "homo-faber", "Anna", 501)
    piotr = add_staff(factory, "sip", "Piotr", 601)
    assert claim_case(factory, reference, anna) == Done()
    assert isinstance(
        transfer_case(factory, reference, anna, "sip", "needs a detention lawyer"), Transferred
    )
    assert claim_case(factory, reference, piotr) == Done()

    to_sip = [kind for kind, chat in outbox(seeded) if chat == "partner:sip"]
    # The new card, its edit to "taken" (no Take button left), and the case's topic.
    assert to_sip.count("case_card") == 2
    assert to_sip.count("case_topic") == 1


def test_closing_again_after_a_reopen_tells_the_person_again(seeded: Storage) -> None:
    factory = seeded.session_factory
    reference = new_case(seeded)
    anna = add_staff(factory, "homo-faber", "Anna", 501)
    assert claim_case(factory, reference, anna) == Done()
    assert close_case(factory, reference, anna) == Done()
    assert reopen_case(factory, reference, anna) == Done()
    assert close_case(factory, reference, anna) == Done()
    assert close_case(factory, reference, anna) == Refused(RefusalReason.NOT_OPEN)  # already closed

    to_person = [kind for kind, chat in outbox(seeded) if chat == "7001"]
    assert len(to_person) == 3  # closed, reopened, closed
    with factory() as session:
        keys = session.scalars(select(OutboxMessage.dedupe_key)).all()
    assert all(key and not re.search(r"\d{6,}", key) for key in keys)  # no timestamps


def test_the_coordinators_are_named_in_the_persons_words_not_as_a_queue(seeded: Storage) -> None:
    from bot.outbox.messages import PersonNotice, ToPerson, load
    from bot.services.staff_cases import staff_message

    factory = seeded.session_factory
    reference = new_case(seeded)
    anna = add_staff(factory, "homo-faber", "Anna", 501)
    coordinator = add_staff(factory, "consortium", "Ola", 701)
    assert claim_case(factory, reference, anna) == Done()
    assert isinstance(
        transfer_case(factory, reference, anna, "consortium", "no partner fits"), Transferred
    )
    assert claim_case(factory, reference, coordinator) == Done()
    assert staff_message(factory, reference, coordinator, "Dzień dobry") == Done()
    with factory() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == "7001"))
        sent = [load(r.kind, r.chat_id, dict(r.payload)) for r in rows]
    transferred = [m for m in sent if isinstance(m, PersonNotice)]
    written = [m for m in sent if isinstance(m, ToPerson)]
    assert transferred and all(m.coordinators for m in transferred)
    assert written and all(m.coordinators for m in written)
