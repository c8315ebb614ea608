"""What the Telegram sender reads from the database to render a message, and records
back after Telegram accepted it (the card's and topic's message ids).

Cards are pseudonymous: reference, category, language, city and the person's own
words (escaped) — never their name, @username or Telegram id.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import CaseStatus, MessageDirection
from bot.outbox.messages import TopicNotice, TopicNoticeKind, topic_notice_key
from bot.outbox.store import enqueue
from bot.storage.models import Case, Client, Partner, StaffMember

WORDS_SHOWN = 1500


@dataclass(frozen=True)
class CaseView:
    """A case as its partner's group sees it."""

    group: int
    reference: str
    category: str
    subcategory: str | None
    language: str
    city: str
    urgent: bool
    summary: str
    status: CaseStatus
    assignee: str | None
    topic_id: int | None
    card_message_id: int | None
    history: tuple[str, ...]  # escaped lines, 👤 the person, 🏢 the organisation


class CaseViews:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def case(self, partner: str, reference: str) -> CaseView | None:
        """None while the partner's group is not linked (or the case is gone)."""
        with self.factory() as session:
            group = _group(session, partner)
            case = session.scalars(select(Case).where(Case.reference == reference)).first()
            if group is None or case is None:
                return None
            assignee = session.get(StaffMember, case.assignee_id) if case.assignee_id else None
            history = tuple(
                ("👤 " if m.direction == MessageDirection.FROM_CLIENT else "🏢 ")
                + html.escape(m.text or "")
                + (f" [{m.media_kind}]" if m.media_kind else "")
                for m in case.messages
                if m.direction != MessageDirection.NOTE
            )
            return CaseView(
                group, case.reference, case.category, case.subcategory, case.language,
                case.city, case.urgent, case.summary or "", case.status,
                assignee.display_name if assignee else None,
                case.telegram_topic_id, case.card_message_id, history,
            )  # fmt: skip

    def group(self, partner: str) -> int | None:
        with self.factory() as session:
            return _group(session, partner)

    def person_language(self, chat: str) -> str:
        with self.factory() as session:
            client = session.scalars(select(Client).where(Client.chat_id == chat)).first()
            return client.language if client else "en"

    def remember_card(self, reference: str, message_id: int) -> None:
        with self.factory.begin() as session:
            case = session.scalars(select(Case).where(Case.reference == reference)).one()
            case.card_message_id = message_id

    def remember_topic(self, reference: str, topic_id: int) -> None:
        with self.factory.begin() as session:
            case = session.scalars(select(Case).where(Case.reference == reference)).one()
            case.telegram_topic_id = topic_id

    def person_unreachable(self, reference: str) -> None:
        """Staff see a notice in the topic instead of silent delivery failures."""
        with self.factory.begin() as session:
            case = session.scalars(select(Case).where(Case.reference == reference)).first()
            partner = session.get(Partner, case.partner_id) if case else None
            if partner is not None:
                notice = TopicNoticeKind.BLOCKED
                enqueue(
                    session,
                    TopicNotice(partner.slug, reference, notice),
                    dedupe_key=topic_notice_key(reference, notice, partner.slug),
                )


def _group(session: Session, partner: str) -> int | None:
    return session.scalars(select(Partner.telegram_chat_id).where(Partner.slug == partner)).first()
