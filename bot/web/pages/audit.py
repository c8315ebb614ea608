"""The audit log: who did what, when, with the state before and after."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import Route

from bot.domain import ConsoleRole
from bot.storage.models import AuditEntry
from bot.web.console import Console, Ctx
from bot.web.forms import parse_date

PAGE = 100


def routes(console: Console) -> list[Route]:
    @console.page(ConsoleRole.COORDINATOR)
    def page(ctx: Ctx) -> Response:
        actor, action = ctx.query("actor", 120), ctx.query("action", 60)
        entity_type, entity_id = ctx.query("entity_type", 40), ctx.query("entity_id", 80)
        bad = []
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE)
        if actor:
            query = query.where(AuditEntry.actor.contains(actor, autoescape=True))
        if action:
            query = query.where(AuditEntry.action == action)
        if entity_type:
            query = query.where(AuditEntry.entity_type == entity_type)
        if entity_id:
            query = query.where(AuditEntry.entity_id == entity_id)
        for name in ("since", "until"):
            try:
                day = parse_date(ctx.query(name, 10))
            except ValueError:
                bad.append(name)
                continue
            if day is not None:
                moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
                query = query.where(
                    AuditEntry.at >= moment if name == "since"
                    else AuditEntry.at < moment + timedelta(days=1)
                )  # fmt: skip
        with ctx.factory() as session:
            entries = session.scalars(query).all()
            actions = sorted(set(session.scalars(select(AuditEntry.action).distinct())))
        rows = [
            (e, json.dumps(e.before, ensure_ascii=False, default=str) if e.before else "",
             json.dumps(e.after, ensure_ascii=False, default=str) if e.after else "")
            for e in entries
        ]  # fmt: skip
        return ctx.render(
            "audit.html", rows=rows, actions=actions, bad=bad, actor=actor, action=action,
            entity_type=entity_type, entity_id=entity_id, since=ctx.query("since", 10),
            until=ctx.query("until", 10),
        )  # fmt: skip

    return [Route("/audit", page)]
