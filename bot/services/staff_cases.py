"""Cases from the staff side. Taking a case is atomic: of two staff members who
press Take at once, exactly one gets it (a conditional UPDATE, not read-then-write)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import CaseStatus, MessageDirection
from bot.outbox.messages import (
    CaseCard,
    CaseTopic,
    PersonNotice,
    PersonNoticeKind,
    ToPerson,
    ToTopic,
    card_key,
    person_notice_key,
    topic_key,
)
from bot.outbox.store import case_version, enqueue
from bot.services.results import Done, RefusalReason, Refused, Transferred
from bot.storage.models import AuditEntry, Case, CaseMessage, Client, Partner, StaffMember
from bot.storage.types import utcnow


def claim_case(factory: sessionmaker[Session], reference: str, staff_id: int) -> Done | Refused:
    """Take a new case of the staff member's own partner; ALREADY_TAKEN if someone was first."""
    with factory.begin() as session:
        staff = session.get(StaffMember, staff_id)
        if staff is None or not staff.active:
            return Refused(RefusalReason.STAFF_INACTIVE)
        taken = session.execute(
            update(Case)
            .where(
                Case.reference == reference,
                Case.status == CaseStatus.NEW,
                Case.partner_id == staff.partner_id,
            )
            .values(status=CaseStatus.CLAIMED, assignee_id=staff.id, claimed_at=utcnow())
        ).rowcount  # type: ignore[attr-defined]  # DML results are CursorResults
        if taken != 1:
            return _why_not_taken(session, reference, staff)
        partner_slug = session.scalars(
            select(Partner.slug).where(Partner.id == staff.partner_id)
        ).one()
        # The queue card shows who took it: an edit of the same message, via the outbox.
        version = case_version(session, reference)
        enqueue(
            session,
            CaseCard(partner_slug, reference),
            dedupe_key=card_key(reference, partner_slug, "claimed", version),
        )
        # Then a topic for the case in the group, with the history so far.
        enqueue(
            session,
            CaseTopic(partner_slug, reference),
            dedupe_key=topic_key(reference, partner_slug, version),
        )
        session.add(
            AuditEntry(
                actor=f"staff:{staff.id}",
                action="case_claimed",
                entity_type="case",
                entity_id=reference,
                before={"status": "new"},
                after={"status": "claimed"},
            )
        )
        return Done()


def _why_not_taken(session: Session, reference: str, staff: StaffMember) -> Done | Refused:
    """Why the conditional UPDATE of a Take changed nothing, read after it. Taking
    one's own case again (a double click) is done already, and changes nothing."""
    found = session.execute(
        select(Case.status, Case.assignee_id).where(
            Case.reference == reference, Case.partner_id == staff.partner_id
        )
    ).first()
    if found is None:
        return Refused(RefusalReason.NOT_FOUND)
    status, assignee = found
    if status == CaseStatus.CLAIMED:
        return Done() if assignee == staff.id else Refused(RefusalReason.ALREADY_TAKEN)
    return Refused(RefusalReason.NOT_OPEN)


def case_in_topic(factory: sessionmaker[Session], chat_id: int, topic_id: int) -> str | None:
    """The reference of the case whose topic this is, in this partner's group."""
    with factory() as session:
        return session.scalars(
            select(Case.reference)
            .join(Partner, Partner.id == Case.partner_id)
            .where(Partner.telegram_chat_id == chat_id, Case.telegram_topic_id == topic_id)
        ).first()


def staff_message(
    factory: sessionmaker[Session],
    reference: str,
    staff_id: int,
    text: str | None,
    *,
    note: bool = False,
    media_kind: str | None = None,
    media_reference: str | None = None,
    from_console: bool = False,
) -> Done | Refused:
    """Store what staff wrote on a case; unless it is an internal note, queue it for the
    person (signed with the organisation's name, never the staff member's account).
    Written in the web console, it is also posted in the case's Telegram topic, so the
    group sees the whole conversation."""
    with factory.begin() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).first()
        staff = session.get(StaffMember, staff_id)
        if staff is None or not staff.active:
            return Refused(RefusalReason.STAFF_INACTIVE)
        if case is None or staff.partner_id != case.partner_id:
            return Refused(RefusalReason.NOT_FOUND)
        unsendable = _unsendable(case)
        if from_console and not note and unsendable:
            return unsendable  # the console says so, and keeps nothing the person never got
        if from_console and case.telegram_topic_id is not None:
            partner = session.get(Partner, case.partner_id)
            enqueue(
                session,
                ToTopic(partner.slug if partner else "?", reference, text,
                        author=staff.display_name, note=note),
            )  # fmt: skip
        direction = MessageDirection.NOTE if note else MessageDirection.TO_CLIENT
        session.add(
            CaseMessage(
                case_id=case.id,
                direction=direction,
                author_staff_id=staff.id,
                text=(text or "")[:4000] or None,
                media_kind=media_kind,
                media_ref=media_reference,
            )
        )
        if note:
            return Done()
        if unsendable:
            return unsendable
        client = session.get(Client, case.client_id)
        partner = session.get(Partner, case.partner_id)
        if client is None or partner is None:
            return Refused(RefusalReason.PERSON_ERASED)
        name = partner.name_en if client.language == "en" else partner.name_pl
        enqueue(
            session,
            ToPerson(
                client.chat_id, reference, name, text, media_kind, media_reference,
                coordinators=partner.is_fallback,
            ),
        )  # fmt: skip
        return Done()


def _unsendable(case: Case) -> Refused | None:
    """Why nothing can be sent to the person on this case now, if so."""
    if case.client_id is None:
        return Refused(RefusalReason.PERSON_ERASED)
    if case.status == CaseStatus.NEW:
        return Refused(RefusalReason.NOT_TAKEN)
    if case.status != CaseStatus.CLAIMED:
        return Refused(RefusalReason.NOT_OPEN)
    return None


REOPEN_WINDOW_DAYS = 14


def close_case(factory: sessionmaker[Session], reference: str, staff_id: int) -> Done | Refused:
    """Close a taken case of the staff member's partner; the person is told and asked to rate."""
    with factory.begin() as session:
        own = _own_case(session, reference, staff_id)
        if isinstance(own, Refused):
            return own
        case, staff = own
        if case.status != CaseStatus.CLAIMED:
            is_new = case.status == CaseStatus.NEW
            return Refused(RefusalReason.NOT_TAKEN if is_new else RefusalReason.NOT_OPEN)
        case.status, case.closed_at = CaseStatus.CLOSED, utcnow()
        _tell_client(session, case, "closed")
        _refresh_card(session, case)
        session.add(
            AuditEntry(
                actor=f"staff:{staff.id}",
                action="case_closed",
                entity_type="case",
                entity_id=reference,
                before={"status": "claimed"},
                after={"status": "closed"},
            )
        )
        return Done()


def reopen_case(factory: sessionmaker[Session], reference: str, staff_id: int) -> Done | Refused:
    """Reopen a case closed less than 14 days ago, for the same partner."""
    with factory.begin() as session:
        own = _own_case(session, reference, staff_id)
        if isinstance(own, Refused):
            return own
        case, staff = own
        if case.client_id is None:
            return Refused(RefusalReason.PERSON_ERASED)
        if case.status != CaseStatus.CLOSED or case.closed_at is None:
            return Refused(RefusalReason.NOT_CLOSED)
        if case.closed_at < utcnow() - timedelta(days=REOPEN_WINDOW_DAYS):
            return Refused(RefusalReason.REOPEN_WINDOW_PASSED)
        case.status, case.closed_at, case.assignee_id = CaseStatus.CLAIMED, None, staff.id
        _tell_client(session, case, "reopened")
        _refresh_card(session, case)
        session.add(
            AuditEntry(
                actor=f"staff:{staff.id}",
                action="case_reopened",
                entity_type="case",
                entity_id=reference,
                before={"status": "closed"},
                after={"status": "claimed"},
            )
        )
        return Done()


def transfer_case(
    factory: sessionmaker[Session], reference: str, staff_id: int, to_slug: str, reason: str
) -> Transferred | Refused:
    """Move an open case to another partner's queue with a reason; the new partner's name."""
    with factory.begin() as session:
        own = _own_case(session, reference, staff_id)
        if isinstance(own, Refused):
            return own
        case, staff = own
        target = session.scalars(select(Partner).where(Partner.slug == to_slug)).first()
        if case.status not in (CaseStatus.NEW, CaseStatus.CLAIMED):
            return Refused(RefusalReason.NOT_OPEN)
        if target is None:
            return Refused(RefusalReason.UNKNOWN_PARTNER)
        if target.id == case.partner_id:
            return Refused(RefusalReason.SAME_PARTNER)
        if not target.takes_cases:
            return Refused(RefusalReason.PARTNER_NOT_ACCEPTING)
        source = session.get(Partner, case.partner_id)
        session.add(
            CaseMessage(
                case_id=case.id,
                direction=MessageDirection.SYSTEM,
                author_staff_id=staff.id,
                text=f"transferred from {source.slug if source else '?'}: {reason[:500]}",
            )
        )
        case.partner_id, case.status, case.assignee_id = target.id, CaseStatus.NEW, None
        case.claimed_at = case.telegram_topic_id = case.card_message_id = None
        case.routing_reason = f"transferred by staff {staff.id}: {reason[:500]}"
        enqueue(
            session,
            CaseCard(target.slug, reference),
            dedupe_key=card_key(
                reference, target.slug, "transferred", case_version(session, reference)
            ),
        )
        _tell_client(session, case, "transferred", partner=target)
        session.add(
            AuditEntry(
                actor=f"staff:{staff.id}",
                action="case_transferred",
                entity_type="case",
                entity_id=reference,
                before={"partner": source.slug if source else None},
                after={"partner": target.slug, "reason": reason[:500]},
            )
        )
        return Transferred(target.name_pl)


def rate_case(
    factory: sessionmaker[Session], client_chat: str, reference: str, rating: int
) -> Done | Refused:
    """The person rates their own closed case, 1 to 5."""
    if not 1 <= rating <= 5:
        return Refused(RefusalReason.INVALID_RATING)
    with factory.begin() as session:
        case = session.scalars(
            select(Case)
            .join(Client, Client.id == Case.client_id)
            .where(Case.reference == reference, Client.chat_id == client_chat)
        ).first()
        if case is None:
            return Refused(RefusalReason.NOT_FOUND)
        if case.status != CaseStatus.CLOSED:
            return Refused(RefusalReason.NOT_CLOSED)
        case.rating = rating
        return Done()


def _own_case(
    session: Session, reference: str, staff_id: int
) -> tuple[Case, StaffMember] | Refused:
    """The case, locked, if it is in the staff member's own partner's queue. Another
    partner's case is NOT_FOUND, like a missing one: no way to tell that it exists."""
    staff = session.get(StaffMember, staff_id)
    if staff is None or not staff.active:
        return Refused(RefusalReason.STAFF_INACTIVE)
    case = session.scalars(
        select(Case).where(Case.reference == reference).with_for_update()
    ).first()
    if case is None or staff.partner_id != case.partner_id:
        return Refused(RefusalReason.NOT_FOUND)
    return case, staff


def _tell_client(session: Session, case: Case, notice: str, partner: Partner | None = None) -> None:
    client = session.get(Client, case.client_id) if case.client_id else None
    if client is None:
        return
    partner = partner or session.get(Partner, case.partner_id)
    name = (
        "" if partner is None else (partner.name_en if client.language == "en" else partner.name_pl)
    )
    kind = PersonNoticeKind(notice)
    enqueue(
        session,
        PersonNotice(
            client.chat_id,
            case.reference,
            kind,
            name,
            coordinators=partner is not None and partner.is_fallback,
        ),
        dedupe_key=person_notice_key(case.reference, kind, case_version(session, case.reference)),
    )


def _refresh_card(session: Session, case: Case) -> None:
    partner = session.get(Partner, case.partner_id)
    if partner is not None:
        version = case_version(session, case.reference)
        enqueue(
            session,
            CaseCard(partner.slug, case.reference),
            dedupe_key=card_key(case.reference, partner.slug, case.status.value, version),
        )
