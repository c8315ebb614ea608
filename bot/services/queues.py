"""Partners' queues and one case's whole story, as the console shows them."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.domain import CATEGORIES, LANGUAGES, SUBCATEGORY_CATEGORY, CaseStatus
from bot.settings import Settings
from bot.storage.models import AuditEntry, Case, CaseMessage, Partner, StaffMember
from bot.storage.types import utcnow

TABS = (CaseStatus.NEW, CaseStatus.CLAIMED, CaseStatus.CLOSED)
AGES = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "3d": timedelta(days=3),
        "7d": timedelta(days=7)}  # fmt: skip
PAGE_SIZE = 100


@dataclass(frozen=True)
class QueueFilters:
    tab: str = "new"
    category: str = ""
    subcategory: str = ""
    language: str = ""
    city: str = ""
    urgent: bool = False
    older_than: str = ""
    partner: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> tuple[QueueFilters, list[str]]:
        """The filters, and the names of fields whose values were not understood (ignored)."""
        bad: list[str] = []

        def pick(name: str, allowed: Collection[str]) -> str:
            value = query.get(name, "")[:60]
            if value and value not in allowed:
                bad.append(name)
                return ""
            return value

        tab = pick("tab", TABS) or "new"
        return cls(
            tab=tab,
            category=pick("category", CATEGORIES),
            subcategory=pick("subcategory", SUBCATEGORY_CATEGORY),
            language=pick("language", LANGUAGES),
            city=query.get("city", "")[:40],
            urgent=query.get("urgent", "") == "1",
            older_than=pick("older_than", AGES),
            partner=query.get("partner", "")[:40],
        ), bad


@dataclass(frozen=True)
class QueueRow:
    reference: str
    partner_slug: str
    category: str
    subcategory: str | None
    language: str
    city: str
    urgent: bool
    status: str
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    assignee: str | None
    summary: str
    overdue: bool


def time_limit(settings: Settings, urgent: bool) -> timedelta:
    """How long a new case may wait to be taken (the Telegram reminders use the same)."""
    minutes = settings.urgent_take_reminder_minutes if urgent else settings.take_reminder_minutes
    return timedelta(minutes=minutes)


def queue(
    factory: sessionmaker[Session],
    settings: Settings,
    partner_id: int | None,
    filters: QueueFilters,
    limit: int = PAGE_SIZE,
) -> list[QueueRow]:
    """Urgent first, then the oldest untaken; taken by when taken; closed newest first."""
    now = utcnow()
    status = {"new": CaseStatus.NEW, "claimed": CaseStatus.CLAIMED, "closed": CaseStatus.CLOSED}
    query = (
        select(Case, Partner.slug, StaffMember.display_name)
        .join(Partner, Partner.id == Case.partner_id)
        .outerjoin(StaffMember, StaffMember.id == Case.assignee_id)
        .where(Case.status == status[filters.tab])
    )
    if partner_id is not None:
        query = query.where(Case.partner_id == partner_id)
    elif filters.partner:
        query = query.where(Partner.slug == filters.partner)
    for column, value in (
        (Case.category, filters.category),
        (Case.subcategory, filters.subcategory),
        (Case.language, filters.language),
        (Case.city, filters.city),
    ):
        if value:
            query = query.where(column == value)
    if filters.urgent:
        query = query.where(Case.urgent.is_(True))
    if filters.older_than:
        query = query.where(Case.created_at < now - AGES[filters.older_than])
    if filters.tab == "new":
        query = query.order_by(Case.urgent.desc(), Case.created_at, Case.id)
    elif filters.tab == "claimed":
        query = query.order_by(Case.urgent.desc(), Case.claimed_at, Case.id)
    else:
        query = query.order_by(Case.closed_at.desc(), Case.id.desc())
    with factory() as session:
        rows = session.execute(query.limit(limit)).all()
        return [
            QueueRow(
                c.reference, slug, c.category, c.subcategory, c.language, c.city, c.urgent,
                c.status.value, c.created_at, c.claimed_at, c.closed_at, assignee,
                (c.summary or "")[:160],
                c.status == CaseStatus.NEW and c.created_at < now - time_limit(settings, c.urgent),
            )
            for c, slug, assignee in rows
        ]  # fmt: skip


@dataclass(frozen=True)
class PartnerLoad:
    slug: str
    name: str
    new: int
    claimed: int
    overdue: int


def queue_load(
    factory: sessionmaker[Session], settings: Settings, partner_id: int | None
) -> list[PartnerLoad]:
    """Open cases per partner, and how many new ones are past their time limit."""
    now = utcnow()
    late = or_(
        and_(Case.urgent.is_(True), Case.created_at < now - time_limit(settings, True)),
        and_(Case.urgent.is_(False), Case.created_at < now - time_limit(settings, False)),
    )
    new = Case.status == CaseStatus.NEW
    query = (
        select(
            Partner.slug,
            Partner.name_pl,
            func.count(case((new, 1))),
            func.count(case((Case.status == CaseStatus.CLAIMED, 1))),
            func.count(case((and_(new, late), 1))),
        )
        .outerjoin(Case, Case.partner_id == Partner.id)
        .group_by(Partner.id, Partner.slug, Partner.name_pl)
        .order_by(Partner.slug)
    )
    if partner_id is not None:
        query = query.where(Partner.id == partner_id)
    with factory() as session:
        return [PartnerLoad(*row) for row in session.execute(query).all()]


@dataclass(frozen=True)
class HistoryItem:
    direction: str
    author: str | None
    text: str | None
    media_kind: str | None
    created_at: datetime


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str
    action: str


@dataclass(frozen=True)
class CaseView:
    reference: str
    partner_id: int
    partner_slug: str
    partner_name: str
    status: str
    category: str
    subcategory: str | None
    language: str
    city: str
    urgent: bool
    urgent_signals: tuple[str, ...]
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    assignee: str | None
    assignee_id: int | None
    routing_reason: str
    rating: int | None
    in_telegram: bool
    erased: bool
    history: tuple[HistoryItem, ...]
    events: tuple[Event, ...]


def case_view(factory: sessionmaker[Session], reference: str) -> CaseView | None:
    with factory() as session:
        found = session.execute(
            select(Case, Partner)
            .join(Partner, Partner.id == Case.partner_id)
            .where(Case.reference == reference[:16])
        ).first()
        if found is None:
            return None
        c, partner = found
        assignee = session.get(StaffMember, c.assignee_id) if c.assignee_id else None
        author = aliased(StaffMember)
        messages = session.execute(
            select(CaseMessage, author.display_name)
            .outerjoin(author, author.id == CaseMessage.author_staff_id)
            .where(CaseMessage.case_id == c.id)
            .order_by(CaseMessage.id)
        ).all()
        audit = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "case", AuditEntry.entity_id == c.reference)
            .order_by(AuditEntry.id)
            .limit(200)
        ).all()
        staff_ids = {int(a.actor[6:]) for a in audit if re.fullmatch(r"staff:\d+", a.actor)}
        staff_names = dict(
            session.execute(
                select(StaffMember.id, StaffMember.display_name).where(
                    StaffMember.id.in_(staff_ids)
                )
            ).all()
        )
        return CaseView(
            c.reference, partner.id, partner.slug, partner.name_pl, c.status.value, c.category,
            c.subcategory, c.language, c.city, c.urgent, tuple(c.urgent_signals or ()),
            c.created_at, c.claimed_at, c.closed_at,
            assignee.display_name if assignee else None, c.assignee_id,
            c.routing_reason or "", c.rating, c.telegram_topic_id is not None,
            c.client_id is None,
            tuple(
                HistoryItem(m.direction.value, name, m.text, m.media_kind, m.created_at)
                for m, name in messages
            ),
            tuple(Event(a.at, _actor(a.actor, staff_names), a.action) for a in audit),
        )  # fmt: skip


def _actor(actor: str, staff_names: dict[int, str]) -> str:
    kind, _, ident = actor.partition(":")
    if kind == "staff" and ident.isdigit():
        return staff_names.get(int(ident), actor)
    return ident if kind == "console" else actor
