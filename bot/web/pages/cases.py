"""Queues and case pages. Every action goes through the same services as the Telegram
side (claim, reply through the outbox, note, transfer, close, reopen)."""

from __future__ import annotations

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import Route

from bot.domain import CATEGORIES, LANGUAGES, PLACES, SUBCATEGORIES, ConsoleRole
from bot.services import queues, staff_cases
from bot.services.results import Done, refusal_text
from bot.services.results import Refused as Refusal  # not the console's HTTP Refused
from bot.storage.models import Partner
from bot.web.console import Console, Ctx, Refused

MAX_REPLY = 4000
MAX_REASON = 500
ACTIONS = ("take", "reply", "note", "transfer", "close", "reopen")


def routes(console: Console) -> list[Route]:
    staff_or_coordinator = (ConsoleRole.STAFF, ConsoleRole.COORDINATOR)

    @console.page(*staff_or_coordinator)
    def queue(ctx: Ctx) -> Response:
        filters, bad = queues.QueueFilters.from_query(ctx.request.query_params)
        own = ctx.me.partner_id if ctx.me.role == ConsoleRole.STAFF else None
        rows = queues.queue(ctx.factory, ctx.console.settings, own, filters)
        return ctx.render(
            "cases.html",
            rows=rows,
            filters=filters,
            bad=bad,
            partners=_partners(ctx) if own is None else [],
            categories=CATEGORIES,
            subcategories=sorted(SUBCATEGORIES),
            languages_list=LANGUAGES,
            cities=PLACES,
        )

    def readable_case(ctx: Ctx) -> queues.CaseView:
        reference = ctx.param("reference", 16)
        view = queues.case_view(ctx.factory, reference)
        if view is None:
            raise Refused(404)
        if ctx.me.role == ConsoleRole.STAFF and view.partner_id != ctx.me.partner_id:
            ctx.audit("case_access_denied", "case", reference, partner=ctx.me.partner_slug)
            raise Refused(404)  # as if missing: staff cannot probe which references exist
        return view

    @console.page(*staff_or_coordinator)
    def show(ctx: Ctx) -> Response:
        view = readable_case(ctx)
        return ctx.render(
            "case.html", case=view, partners=_partners(ctx), error=None,
            can_act=_can_act(ctx, view), draft="",
        )  # fmt: skip

    @console.page(*staff_or_coordinator)
    def act(ctx: Ctx) -> Response:
        view = readable_case(ctx)
        action = ctx.param("action", 20)
        if action not in ACTIONS:
            raise Refused(404)
        if not _can_act(ctx, view):
            ctx.audit("case_action_denied", "case", view.reference, action=action)
            raise Refused(403)
        staff_id = ctx.me.staff_member_id
        assert staff_id is not None  # _can_act checked it
        error = None
        result: Done | Refusal | None = None
        if action == "take":
            result = staff_cases.claim_case(ctx.factory, view.reference, staff_id)
        elif action in ("reply", "note"):
            text = ctx.field("text", MAX_REPLY + 1).strip()
            if not text:
                error = ctx.t._("Write something first.")
            elif len(text) > MAX_REPLY:
                error = ctx.t._("At most {n} characters, please.", n=MAX_REPLY)
            else:
                result = staff_cases.staff_message(
                    ctx.factory, view.reference, staff_id, text, note=action == "note",
                    from_console=True,
                )  # fmt: skip
        elif action == "transfer":
            reason = ctx.field("reason", MAX_REASON + 1).strip()
            target = ctx.field("partner", 40)
            if not reason or len(reason) > MAX_REASON:
                error = ctx.t._("Say why, in at most {n} characters.", n=MAX_REASON)
            else:
                result = staff_cases.transfer_case(
                    ctx.factory, view.reference, staff_id, target, reason
                )
                if not isinstance(result, Refusal):
                    return ctx.redirect("/cases", done="transferred")
        elif action == "close":
            result = staff_cases.close_case(ctx.factory, view.reference, staff_id)
        else:
            result = staff_cases.reopen_case(ctx.factory, view.reference, staff_id)
        if isinstance(result, Refusal):
            error = refusal_text(result.reason, ctx.t)
        if error is None:
            return ctx.redirect(f"/cases/{view.reference}", done=action)
        fresh = queues.case_view(ctx.factory, view.reference) or view
        return ctx.render(
            "case.html", status=409, case=fresh, partners=_partners(ctx), error=error,
            can_act=_can_act(ctx, fresh), draft=ctx.field("text", MAX_REPLY),
        )  # fmt: skip

    return [
        Route("/cases", queue),
        Route("/cases/{reference}", show),
        Route("/cases/{reference}/{action}", act, methods=["POST"]),
    ]


def _can_act(ctx: Ctx, view: queues.CaseView) -> bool:
    """Only staff of the case's own partner act on it; coordinators watch."""
    return (
        ctx.me.role == ConsoleRole.STAFF
        and ctx.me.staff_member_id is not None
        and view.partner_id == ctx.me.partner_id
    )


def _partners(ctx: Ctx) -> list[tuple[str, str]]:
    with ctx.factory() as session:
        return [
            (slug, name)
            for slug, name in session.execute(
                select(Partner.slug, Partner.name_pl)
                .where(Partner.takes_cases.is_(True))
                .order_by(Partner.slug)
            ).all()
        ]
