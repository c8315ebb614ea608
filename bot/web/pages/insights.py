"""Anonymised insights for the consortium: counts, response times, ratings. Every
count goes through bot.services.disclosure (1 to 4 as "<5", the rest rounded to 5),
here, in the charts and in the CSV; nothing identifies a person."""

from __future__ import annotations

import calendar
from datetime import date

from starlette.responses import Response
from starlette.routing import Route

from bot.domain import CATEGORIES, LANGUAGES, PLACES, ConsoleRole
from bot.services import insights
from bot.web.console import Console, Ctx

BREAKDOWNS = ("category", "subcategory", "city", "language", "month")
# Cross-tables a coordinator can pick for the page (the CSV takes any combination).
TABLES = (("month", "category"), ("month", "city"), ("city", "category"),
          ("category", "language"), ("subcategory", "city"), ("month", "language"))  # fmt: skip


def _month(value: str, end: bool) -> date | None:
    """'2026-03' → its first (or last) day. Whole months only: a filter one day wide
    would let someone subtract their way to a suppressed count."""
    if len(value) != 7 or value[4] != "-" or not (value[:4] + value[5:]).isdigit():
        raise ValueError(value)
    year, month = int(value[:4]), int(value[5:])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError(value)
    return date(year, month, calendar.monthrange(year, month)[1] if end else 1)


def _filters(ctx: Ctx) -> tuple[insights.Filters, list[str]]:
    bad: list[str] = []
    values: dict[str, object] = {}
    for name, end in (("since", False), ("until", True)):
        raw = ctx.query(name, 10)
        if raw:
            try:
                values[name] = _month(raw, end)
            except ValueError:
                bad.append(name)
    for name, allowed in (("category", CATEGORIES), ("language", LANGUAGES),
                          ("city", PLACES)):  # fmt: skip
        raw = ctx.query(name, 40)
        if raw and raw in allowed:
            values[name] = raw
        elif raw:
            bad.append(name)
    try:
        return insights.Filters(**values), bad  # type: ignore[arg-type]
    except ValueError:
        return insights.Filters(), [*bad, "until"]


def routes(console: Console) -> list[Route]:
    readers = (ConsoleRole.COORDINATOR, ConsoleRole.VIEWER)

    @console.page(*readers)
    def page(ctx: Ctx) -> Response:
        filters, bad = _filters(ctx)
        f = ctx.factory
        charts = []
        for by, title in (("month", ctx.t._("Requests per month")),
                          ("category", ctx.t._("Kind of help")),
                          ("subcategory", ctx.t._("Subcategory")),
                          ("city", ctx.t._("City")), ("language", ctx.t._("Language"))):  # fmt: skip
            rows = insights.counts(f, filters, (by,))
            bars = [(row.group[by] or "-", row.count) for row in rows]
            charts.append(insights.bar_chart_svg(bars, title, other_label=ctx.t._("other")))
        table_by = tuple(ctx.query("table", 40).split(","))
        if table_by not in TABLES:
            table_by = TABLES[0]
        table = insights.counts(f, filters, table_by)
        return ctx.render(
            "insights.html",
            filters=filters,
            bad=bad,
            total=insights.counts(f, filters, ())[0].shown,
            charts=charts,
            table=table,
            table_by=table_by,
            tables=TABLES,
            response=insights.first_response(f, filters),
            response_by=insights.first_response_by(f, filters, "category"),
            ratings=insights.ratings(f, filters),
            query=ctx.request.url.query,
            categories=CATEGORIES,
            languages_list=LANGUAGES,
            cities=PLACES,
            since=ctx.query("since", 7),
            until=ctx.query("until", 7),
        )

    @console.page(*readers)
    def csv(ctx: Ctx) -> Response:
        filters, _bad = _filters(ctx)
        wanted = tuple(b for b in ctx.query("by", 100).split(",") if b in BREAKDOWNS)
        by = tuple(dict.fromkeys(wanted)) or ("month", "category", "city", "language")
        rows = insights.counts(ctx.factory, filters, by)
        ctx.audit("insights_exported", "insights", None, by=list(by))
        return Response(
            insights.to_csv(rows, by), media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="razem-insights.csv"'},
        )  # fmt: skip

    return [Route("/insights", page), Route("/insights.csv", csv)]
