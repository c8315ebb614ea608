"""Cases nobody took in time: a reminder in the partner's group, then the coordinators.

Run every minute by the bot (bot/telegram/app.py). Each reminder is an outbox
message with a dedupe key, so several bot processes send it once.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import CaseStatus
from bot.outbox.messages import Escalation, Reminder, escalation_key, reminder_key
from bot.outbox.store import case_version, enqueue
from bot.storage.models import Case, Partner
from bot.storage.types import utcnow


def remind_untaken(factory: sessionmaker[Session], *, minutes: int, urgent_minutes: int) -> int:
    """Queue reminders (after the limit) and escalations (after twice it); how many queued."""
    queued = 0
    now = utcnow()
    with factory.begin() as session:
        fallback = session.scalars(select(Partner.slug).where(Partner.is_fallback)).first()
        rows = session.execute(
            select(Case.reference, Case.urgent, Case.created_at, Partner.slug)
            .join(Partner, Partner.id == Case.partner_id)
            .where(
                Case.status == CaseStatus.NEW,
                Case.created_at < now - timedelta(minutes=urgent_minutes),
            )
        ).all()
        for reference, urgent, created_at, slug in rows:
            limit = timedelta(minutes=urgent_minutes if urgent else minutes)
            waited = now - created_at
            version = case_version(session, reference)
            if waited >= limit:
                queued += enqueue(
                    session,
                    Reminder(slug, reference),
                    dedupe_key=reminder_key(reference, slug, version),
                )
            if waited >= 2 * limit and fallback and fallback != slug:
                queued += enqueue(
                    session,
                    Escalation(fallback, reference, slug),
                    dedupe_key=escalation_key(reference, slug, version),
                )
    return queued
