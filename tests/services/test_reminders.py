"""Untaken cases: a reminder after the limit (5 minutes if urgent), escalation after twice it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import Storage
from bot.domain import Channel
from bot.services.cases import NewCase, create_case
from bot.services.clients import save_client
from bot.services.reminders import remind_untaken
from bot.storage.models import Case, OutboxMessage


def test_reminders_and_escalations_once_each(seeded: Storage) -> None:
    save_client(seeded.session_factory, Channel.TERMINAL, "r", "uk", consent=True)
    for urgent, city in ((False, "Lublin"), (True, "Warszawa")):
        create_case(seeded.session_factory, Channel.TERMINAL, "r",
                    NewCase("legal", "legal_work", "uk", city, urgent, (), 0.9, ("text",), None))  # fmt: skip
    assert remind_untaken(seeded.session_factory, minutes=30, urgent_minutes=5) == 0

    with seeded.session_factory.begin() as session:
        for case in session.scalars(select(Case)):
            case.created_at = case.created_at - timedelta(
                minutes=11
            )  # urgent: past 2x5, normal: not yet 30
    remind_untaken(seeded.session_factory, minutes=30, urgent_minutes=5)
    remind_untaken(seeded.session_factory, minutes=30, urgent_minutes=5)  # again: no duplicates
    with seeded.session_factory() as session:
        kinds = sorted(
            (m.kind, m.chat_id)
            for m in session.scalars(select(OutboxMessage))
            if m.kind != "case_card"
        )
    assert kinds == [("escalation", "partner:consortium"), ("reminder", "partner:sip")] or kinds == [
        ("escalation", "partner:consortium"), ("reminder", "partner:hfhr")]  # fmt: skip
