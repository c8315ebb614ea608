"""Messages between a person and the staff member handling their case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import CaseStatus, MessageDirection
from bot.outbox.messages import ToTopic
from bot.outbox.store import enqueue
from bot.storage.models import Case, CaseMessage, Partner

MAX_MESSAGE_CHARS = 4000


def add_client_message(
    factory: sessionmaker[Session],
    reference: str,
    text: str | None,
    media_kind: str | None = None,
    media_reference: str | None = None,
) -> bool:
    """Append what the person wrote to their claimed case; False if it is no longer open."""
    with factory.begin() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).first()
        if case is None or case.status != CaseStatus.CLAIMED:
            return False
        session.add(
            CaseMessage(
                case_id=case.id,
                direction=MessageDirection.FROM_CLIENT,
                text=(text or "")[:MAX_MESSAGE_CHARS] or None,
                media_kind=media_kind,
                media_ref=media_reference,
            )
        )
        partner = session.get(Partner, case.partner_id)
        if partner is not None:
            # To the case's topic in the partner's group.
            enqueue(session, ToTopic(partner.slug, reference, text, media_kind, media_reference))
        return True
