"""The start page: what needs attention now."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from bot.domain import ConsoleRole
from bot.services import faq_editing, queues
from bot.web.console import Console, Ctx


def routes(console: Console) -> list[Route]:
    @console.page()
    def home(ctx: Ctx) -> Response:
        if ctx.me.role == ConsoleRole.VIEWER:
            return ctx.redirect("/insights")
        partner_id = ctx.me.partner_id if ctx.me.role == ConsoleRole.STAFF else None
        load = queues.queue_load(ctx.factory, ctx.console.settings, partner_id)
        entries = faq_editing.overview(ctx.factory, ctx.me.language)
        return ctx.render(
            "dashboard.html",
            load=load,
            expired=[e for e in entries if e.expired],
            never_reviewed=[e for e in entries if e.never_reviewed],
            stale=[e for e in entries if any(s.needs_update for s in e.languages)],
        )

    return [Route("/", home)]
