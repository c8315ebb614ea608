"""Registered staff of a partner, for tests that act as them (no Telegram account)."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import Storage
from bot.domain import StaffRole
from bot.storage.models import Partner, StaffMember


def staff_of(storage: Storage, slug: str, name: str) -> int:
    """A new staff member of the partner ``slug``; their id."""
    with storage.session_factory.begin() as session:
        partner = session.scalars(select(Partner).where(Partner.slug == slug)).one()
        member = StaffMember(partner_id=partner.id, display_name=name, role=StaffRole.STAFF)
        session.add(member)
        session.flush()
        return member.id
