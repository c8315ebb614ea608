"""Cases from the person's side: create (routed), list, cancel. One transaction each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import OPEN_CASE_STATUSES, CaseStatus, Channel, MessageDirection
from bot.outbox.messages import CaseCard, card_key
from bot.outbox.store import URGENT_PRIORITY, case_version, enqueue
from bot.services.clients import get_or_create_client
from bot.services.results import Done, RefusalReason, Refused
from bot.services.routing import route_case
from bot.storage.models import AuditEntry, Case, CaseMessage, Client, Partner
from bot.storage.types import utcnow

CITY_PREFIX = {"Warszawa": "W", "Lublin": "L", "Poznań": "P", "Wrocław": "R"}


@dataclass(frozen=True)
class NewCase:
    category: str
    subcategory: str | None
    language: str
    city: str
    urgent: bool
    urgent_signals: Sequence[str]
    confidence: float | None
    words: Sequence[str]
    details: str | None


@dataclass(frozen=True)
class CreatedCase:
    reference: str
    partner_slug: str
    partner_name_pl: str
    partner_name_en: str
    urgent: bool
    routing_reason: str
    # The consortium's coordinators: named in the person's language, not by a partner name.
    partner_is_fallback: bool = False


@dataclass(frozen=True)
class CaseRow:
    reference: str
    status: str
    category: str
    partner_name_pl: str
    partner_name_en: str
    created_at: datetime
    updated_at: datetime
    partner_is_fallback: bool = False


class ConsentMissing(Exception):
    """A case was asked for without the person's consent."""


def create_case(
    factory: sessionmaker[Session], channel: Channel, chat_id: str, request: NewCase
) -> CreatedCase:
    """Route and store a case with the person's words, in one transaction."""
    with factory.begin() as session:
        client = get_or_create_client(session, channel, chat_id, request.language)
        if client.consent_at is None:
            raise ConsentMissing(f"{channel}:{chat_id} has not given consent")
        route = route_case(
            session,
            category=request.category,
            subcategory=request.subcategory,
            city=request.city,
            language=request.language,
        )
        words = [w for w in request.words if w.strip()]
        case = Case(
            # The reference needs the id: a unique placeholder until the flush gives one.
            reference=f"~{uuid.uuid4().hex[:14]}",
            client_id=client.id,
            partner_id=route.partner.id,
            category=request.category,
            subcategory=request.subcategory,
            language=request.language,
            city=request.city,
            urgent=request.urgent,
            urgent_signals=list(request.urgent_signals),
            nlu_confidence=request.confidence,
            summary="\n".join(words + ([request.details] if request.details else [])),
            routing_reason=route.explain(),
        )
        session.add(case)
        session.flush()
        case.reference = f"{CITY_PREFIX.get(request.city, 'O')}-{1000 + case.id}"
        for text in [*words, *([request.details] if request.details else [])]:
            session.add(
                CaseMessage(case_id=case.id, direction=MessageDirection.FROM_CLIENT, text=text)
            )
        session.add(
            AuditEntry(
                actor=f"client:{client.id}",
                action="case_created",
                entity_type="case",
                entity_id=case.reference,
                before=None,
                after={
                    "partner": route.partner.slug,
                    "category": request.category,
                    "urgent": request.urgent,
                },
            )
        )
        # The card for the partner's queue goes out with the case, or not at all.
        enqueue(
            session,
            CaseCard(route.partner.slug, case.reference),
            dedupe_key=card_key(
                case.reference, route.partner.slug, "new", case_version(session, case.reference)
            ),
            priority=URGENT_PRIORITY if case.urgent else 0,
        )
        return CreatedCase(
            case.reference,
            route.partner.slug,
            route.partner.name_pl,
            route.partner.name_en,
            case.urgent,
            case.routing_reason or "",
            route.partner.is_fallback,
        )


def list_cases(factory: sessionmaker[Session], channel: Channel, chat_id: str) -> list[CaseRow]:
    with factory() as session:
        rows = session.execute(
            select(Case, Partner)
            .join(Partner, Partner.id == Case.partner_id)
            .join(Client, Client.id == Case.client_id)
            .where(Client.channel == channel, Client.chat_id == chat_id)
            .order_by(Case.created_at.desc(), Case.id.desc())
        ).all()
        return [
            CaseRow(
                c.reference,
                c.status.value,
                c.category,
                p.name_pl,
                p.name_en,
                c.created_at,
                c.updated_at,
                p.is_fallback,
            )
            for c, p in rows
        ]


def cancel_case(
    factory: sessionmaker[Session], channel: Channel, chat_id: str, reference: str
) -> Done | Refused:
    """Cancel one of the person's own open cases: NOT_FOUND if it isn't theirs, NOT_OPEN
    if it is closed or cancelled already."""
    with factory.begin() as session:
        case = session.scalars(
            select(Case)
            .join(Client, Client.id == Case.client_id)
            .where(
                Client.channel == channel, Client.chat_id == chat_id, Case.reference == reference
            )
            .with_for_update()
        ).first()
        if case is None:
            return Refused(RefusalReason.NOT_FOUND)
        if case.status not in OPEN_CASE_STATUSES:
            return Refused(RefusalReason.NOT_OPEN)
        before = case.status.value
        case.status, case.closed_at = CaseStatus.CANCELLED, utcnow()
        session.add(
            AuditEntry(
                actor=f"client:{case.client_id}",
                action="case_cancelled",
                entity_type="case",
                entity_id=reference,
                before={"status": before},
                after={"status": "cancelled"},
            )
        )
        return Done()


def claimed_case(factory: sessionmaker[Session], channel: Channel, chat_id: str) -> str | None:
    """The reference of the person's case a staff member is handling, if any."""
    with factory() as session:
        return session.scalars(
            select(Case.reference)
            .join(Client, Client.id == Case.client_id)
            .where(
                Client.channel == channel,
                Client.chat_id == chat_id,
                Case.status == CaseStatus.CLAIMED,
            )
            .order_by(Case.claimed_at.desc())
        ).first()
