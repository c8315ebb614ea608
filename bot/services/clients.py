"""The person: language, consent, what we store, and erasure. One transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import OPEN_CASE_STATUSES, CaseStatus, Channel
from bot.storage.models import AuditEntry, Case, CaseMessage, Client
from bot.storage.types import utcnow


def get_or_create_client(session: Session, channel: Channel, chat_id: str, language: str) -> Client:
    client = session.scalars(
        select(Client).where(Client.channel == channel, Client.chat_id == chat_id)
    ).first()
    if client is None:
        client = Client(channel=channel, chat_id=chat_id, language=language)
        session.add(client)
        session.flush()
    client.last_seen_at = utcnow()
    return client


def save_client(
    factory: sessionmaker[Session],
    channel: Channel,
    chat_id: str,
    language: str,
    consent: bool | None,
) -> None:
    """Remember the language; consent True records it now, False withdraws it."""
    with factory.begin() as session:
        client = get_or_create_client(session, channel, chat_id, language)
        client.language = language
        if consent is True and client.consent_at is None:
            client.consent_at = utcnow()
            session.add(
                AuditEntry(
                    actor=f"client:{client.id}",
                    action="consent_given",
                    entity_type="client",
                    entity_id=str(client.id),
                    before=None,
                    after={"consent": True},
                )
            )
        elif consent is False:
            client.consent_at = None


@dataclass(frozen=True)
class ClientData:
    language: str
    consent_at: datetime | None
    first_seen: datetime | None
    cases: int
    messages: int


def client_data(
    factory: sessionmaker[Session], channel: Channel, chat_id: str
) -> ClientData | None:
    with factory() as session:
        client = session.scalars(
            select(Client).where(Client.channel == channel, Client.chat_id == chat_id)
        ).first()
        if client is None:
            return None
        cases = (
            session.scalar(
                select(func.count()).select_from(Case).where(Case.client_id == client.id)
            )
            or 0
        )
        messages = (
            session.scalar(
                select(func.count())
                .select_from(CaseMessage)
                .join(Case)
                .where(Case.client_id == client.id)
            )
            or 0
        )
        return ClientData(client.language, client.consent_at, client.created_at, cases, messages)


def erase_client(factory: sessionmaker[Session], channel: Channel, chat_id: str) -> tuple[int, int]:
    """Delete the person's messages and personal data; keep anonymous case counters.

    Open cases are cancelled (staff see why); cases keep category, city, language
    and dates for statistics, without the person's words or a link to them.
    Returns (cases anonymised, messages deleted).
    """
    with factory.begin() as session:
        client = session.scalars(
            select(Client).where(Client.channel == channel, Client.chat_id == chat_id)
        ).first()
        if client is None:
            return 0, 0
        case_ids = list(session.scalars(select(Case.id).where(Case.client_id == client.id)))
        messages = (
            session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(case_ids))).rowcount  # type: ignore[attr-defined]  # DML results are CursorResults
            or 0
        )
        session.execute(
            update(Case)
            .where(Case.id.in_(case_ids), Case.status.in_(OPEN_CASE_STATUSES))
            .values(status=CaseStatus.CANCELLED, closed_at=utcnow())
        )
        session.execute(
            update(Case)
            .where(Case.id.in_(case_ids))
            .values(summary=None, client_id=None, urgent_signals=[])
        )
        session.delete(client)
        session.add(
            AuditEntry(
                actor="client",
                action="client_erased",
                entity_type="client",
                entity_id=None,
                before=None,
                after={"cases": len(case_ids), "messages": messages},
            )
        )
        return len(case_ids), messages
