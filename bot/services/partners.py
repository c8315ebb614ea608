"""Partner organisations' Telegram staff groups and their staff. One transaction each."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import StaffRole
from bot.errors import NotFound, RazemError
from bot.services.records import StaffMemberRecord, parse
from bot.storage.models import AuditEntry, Partner, StaffMember
from bot.storage.types import utcnow

LINK_CODE_LIFETIME = timedelta(hours=24)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _partner(session: Session, slug: str) -> Partner:
    partner = session.scalars(select(Partner).where(Partner.slug == slug)).first()
    if partner is None:
        known = ", ".join(session.scalars(select(Partner.slug).order_by(Partner.slug)))
        raise NotFound(f"no partner {slug!r} (known: {known})")
    return partner


def new_link_code(factory: sessionmaker[Session], slug: str, actor: str = "cli") -> str:
    """A one-time code; `/link CODE` in the partner's staff group binds the group."""
    code = secrets.token_hex(4).upper()
    with factory.begin() as session:
        partner = _partner(session, slug)
        if not partner.takes_cases:
            raise RazemError(f"{slug} takes no individual cases: it needs no staff group")
        partner.link_code_hash = _hash(code)
        partner.link_code_expires_at = utcnow() + LINK_CODE_LIFETIME
        session.add(
            AuditEntry(
                actor=actor,
                action="link_code_issued",
                entity_type="partner",
                entity_id=slug,
                before=None,
                after={"expires_at": partner.link_code_expires_at.isoformat()},
            )
        )
    return code


def link_group(factory: sessionmaker[Session], code: str, chat_id: int) -> str | None:
    """Bind the group to the partner whose unexpired code this is; the partner's slug or None."""
    with factory.begin() as session:
        partner = session.scalars(
            select(Partner).where(Partner.link_code_hash == _hash(code))
        ).first()
        if (
            partner is None
            or partner.link_code_expires_at is None
            or partner.link_code_expires_at < utcnow()
        ):
            return None
        other = session.scalars(select(Partner).where(Partner.telegram_chat_id == chat_id)).first()
        if other is not None and other.id != partner.id:
            other.telegram_chat_id = None  # one group, one organisation
        before = partner.telegram_chat_id
        partner.telegram_chat_id = chat_id
        partner.link_code_hash = partner.link_code_expires_at = None
        session.add(
            AuditEntry(
                actor=f"telegram:{chat_id}",
                action="group_linked",
                entity_type="partner",
                entity_id=partner.slug,
                before={"chat": before},
                after={"chat": chat_id},
            )
        )
        return partner.slug


def add_staff(
    factory: sessionmaker[Session], slug: str, name: str, telegram_user_id: int | None,
    role: StaffRole = StaffRole.STAFF, actor: str = "cli",
) -> int:  # fmt: skip
    """Add someone to a partner's staff list; the console's form checks the same record."""
    record, problems = parse(
        StaffMemberRecord,
        {"display_name": name, "telegram_user_id": telegram_user_id, "role": role},
    )
    if record is None:
        raise RazemError(f"{problems[0].field}: {problems[0].message}", code=problems[0].code)
    with factory.begin() as session:
        partner = _partner(session, slug)
        member = StaffMember(
            partner_id=partner.id,
            display_name=record.display_name,
            role=StaffRole(record.role),
            telegram_user_id=record.telegram_user_id,
        )
        session.add(member)
        session.flush()
        session.add(
            AuditEntry(
                actor=actor,
                action="staff_added",
                entity_type="staff",
                entity_id=str(member.id),
                before=None,
                after={"partner": slug, "role": role.value},
            )
        )
        return member.id


def staff_for(
    factory: sessionmaker[Session], chat_id: int, telegram_user_id: int
) -> StaffMember | None:
    """The active staff member of the partner that owns this group, if the user is one."""
    with factory() as session:
        return session.scalars(
            select(StaffMember)
            .join(Partner, Partner.id == StaffMember.partner_id)
            .where(
                Partner.telegram_chat_id == chat_id,
                StaffMember.telegram_user_id == telegram_user_id,
                StaffMember.active.is_(True),
            )
        ).first()
