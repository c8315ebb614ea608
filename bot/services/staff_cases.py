"""Cases from the staff side. Taking a case is atomic: of two staff members who
press Take at once, exactly one gets it (a conditional UPDATE, not read-then-write)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import CaseStatus
from bot.outbox.store import enqueue
from bot.storage.models import AuditEntry, Case, Partner, StaffMember
from bot.storage.types import utcnow


def claim_case(factory: sessionmaker[Session], reference: str, staff_id: int) -> bool:
    """Take a new case of the staff member's own partner; False if someone was first."""
    with factory.begin() as session:
        staff = session.get(StaffMember, staff_id)
        if staff is None or not staff.active:
            return False
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
            return False
        partner_slug = session.scalars(
            select(Partner.slug).where(Partner.id == staff.partner_id)
        ).one()
        # The queue card shows who took it: an edit of the same message, via the outbox.
        enqueue(
            session,
            "case_card",
            f"partner:{partner_slug}",
            {"reference": reference},
            dedupe_key=f"card:{reference}:claimed",
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
        return True


def case_status(factory: sessionmaker[Session], reference: str) -> str | None:
    with factory() as session:
        status = session.scalars(select(Case.status).where(Case.reference == reference)).first()
        return status.value if status else None
