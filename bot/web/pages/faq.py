"""FAQ: the list with per-language status, side-by-side editing, preview, drafts,
publishing, history with revert, and PO/CSV exchange with translators."""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from starlette.responses import Response
from starlette.routing import Route

from bot.domain import HELP_KINDS, LANGUAGES, SUBCATEGORIES, ConsoleRole
from bot.flows.actions import Reply
from bot.services import faq_editing, faq_exchange
from bot.services.faq_editing import EntryFields, Text
from bot.services.faq_markup import MarkupProblem
from bot.telegram.render import messages as telegram_messages
from bot.web.console import Console, Ctx, Refused
from bot.web.forms import parse_date, problem_text, variants_of

COORDINATOR = ConsoleRole.COORDINATOR


def routes(console: Console) -> list[Route]:
    readers = (ConsoleRole.COORDINATOR, ConsoleRole.STAFF)

    @console.page(*readers)
    def listing(ctx: Ctx) -> Response:
        return ctx.render(
            "faq_list.html", entries=faq_editing.overview(ctx.factory, ctx.me.language)
        )

    @console.page(*readers)
    def edit(ctx: Ctx) -> Response:
        entry_id = _entry_id(ctx)
        if entry_id is None:
            if ctx.me.role != COORDINATOR:
                raise Refused(403)
            blank = faq_editing.Editable(None, EntryFields("", "legal", None), False)
            return _form(ctx, blank, {}, None)
        found = faq_editing.editable(ctx.factory, entry_id)
        if found is None:
            raise Refused(404)
        return _form(ctx, found, {}, None)

    @console.page(COORDINATOR)
    def save(ctx: Ctx) -> Response:
        entry_id = _entry_id(ctx)
        current = faq_editing.editable(ctx.factory, entry_id) if entry_id is not None else None
        if entry_id is not None and current is None:
            raise Refused(404)
        fields, texts, problems = _read(ctx, current)
        action = ctx.field("action", 20)
        shown = faq_editing.Editable(
            entry_id, fields, current.published if current else False, dict(texts),
            current.states if current else {},
        )  # fmt: skip
        if action == "preview" or problems:
            if not problems:
                problems = faq_editing.validate(fields, texts, new=entry_id is None)
            return _form(
                ctx,
                shown,
                problems,
                _preview(texts) if action == "preview" else None,
                status=400 if problems and action != "preview" else 200,
            )
        if action not in ("draft", "publish"):
            raise Refused(400)
        confirmed = frozenset(lang for lang in LANGUAGES if ctx.field(f"current_{lang}", 3) == "1")
        saved = faq_editing.save(
            ctx.factory, entry_id, fields, texts, ctx.me.actor,
            publish=action == "publish", confirmed_current=confirmed,
        )  # fmt: skip
        if saved.problems or saved.entry_id is None:
            return _form(ctx, shown, saved.problems, None, status=400)
        return ctx.redirect(f"/faq/{saved.entry_id}", done=action)

    @console.page(COORDINATOR)
    def unpublish(ctx: Ctx) -> Response:
        entry_id = _entry_id(ctx)
        if entry_id is None or not faq_editing.unpublish(ctx.factory, entry_id, ctx.me.actor):
            raise Refused(404)
        return ctx.redirect(f"/faq/{entry_id}", done="unpublished")

    @console.page(*readers)
    def history(ctx: Ctx) -> Response:
        entry_id = _entry_id(ctx)
        found = faq_editing.editable(ctx.factory, entry_id) if entry_id is not None else None
        if found is None or entry_id is None:
            raise Refused(404)
        return ctx.render(
            "faq_history.html", entry=found, revisions=faq_editing.revisions(ctx.factory, entry_id)
        )

    @console.page(COORDINATOR)
    def revert(ctx: Ctx) -> Response:
        entry_id = _entry_id(ctx)
        revision = ctx.field("revision", 12)
        if entry_id is None or not (revision.isdigit() and int(revision) < 2**31):
            raise Refused(404)
        if not faq_editing.revert(ctx.factory, entry_id, int(revision), ctx.me.actor):
            raise Refused(404)
        return ctx.redirect(f"/faq/{entry_id}", done="reverted")

    @console.page(COORDINATOR)
    def exchange(ctx: Ctx) -> Response:
        return ctx.render(
            "faq_exchange.html", preview=None, errors=[], language="uk", fmt="po", payload=""
        )

    @console.page(COORDINATOR)
    def export(ctx: Ctx) -> Response:
        language, fmt = ctx.query("language", 5), ctx.param("fmt", 5)
        if fmt not in ("po", "csv"):
            raise Refused(404)
        if language not in LANGUAGES:
            raise Refused(400, ctx.t._("Choose one of the languages."))
        if fmt == "po":
            body: bytes | str = faq_exchange.export_po(ctx.factory, language)
            media = "text/x-gettext-translation; charset=utf-8"
        else:
            # With a byte-order mark, spreadsheets open Cyrillic and Polish letters right.
            body = "\ufeff" + faq_exchange.export_csv(ctx.factory, language)
            media = "text/csv; charset=utf-8"
        ctx.audit("faq_exported", "faq", None, language=language, format=fmt)
        return Response(
            body, media_type=media,
            headers={"content-disposition": f'attachment; filename="razem-faq-{language}.{fmt}"'},
        )  # fmt: skip

    @console.page(COORDINATOR)
    def import_(ctx: Ctx) -> Response:
        language = ctx.field("language", 5)
        fmt_value = ctx.field("format", 5)
        if language not in LANGUAGES or fmt_value not in ("po", "csv"):
            raise Refused(400, ctx.t._("Choose a language and a format."))
        fmt: Literal["po", "csv"] = "po" if fmt_value == "po" else "csv"
        confirm = ctx.field("confirm", 3) == "1"
        if confirm:
            try:
                data = base64.b64decode(ctx.field("payload", 3_000_000), validate=True)
            except (binascii.Error, ValueError):
                raise Refused(400) from None
        else:
            data = ctx.files.get("file", b"")
            if not data:
                return ctx.render("faq_exchange.html", status=400, preview=None, language=language, fmt=fmt,
                                  errors=[ctx.t._("Choose a file first.")], payload="")  # fmt: skip
        if confirm:
            result = faq_exchange.apply_import(ctx.factory, language, data, fmt, ctx.me.actor)
        else:
            result = faq_exchange.preview_import(ctx.factory, language, data, fmt)
        errors = [_import_problem(ctx, p) for p in result.problems]
        if confirm and not errors:
            return ctx.redirect("/faq", done="imported")
        return ctx.render(
            "faq_exchange.html", status=400 if errors else 200, preview=result, errors=errors,
            language=language, fmt=fmt, payload=base64.b64encode(data).decode() if not errors else "",
        )  # fmt: skip

    return [
        Route("/faq", listing),
        Route("/faq/exchange", exchange),
        Route("/faq/export.{fmt:str}", export),
        Route("/faq/import", import_, methods=["POST"]),
        Route("/faq/new", edit),
        Route("/faq/new", save, methods=["POST"]),
        Route("/faq/{entry_id:int}", edit),
        Route("/faq/{entry_id:int}", save, methods=["POST"]),
        Route("/faq/{entry_id:int}/unpublish", unpublish, methods=["POST"]),
        Route("/faq/{entry_id:int}/history", history),
        Route("/faq/{entry_id:int}/revert", revert, methods=["POST"]),
    ]


def _entry_id(ctx: Ctx) -> int | None:
    value = ctx.request.path_params.get("entry_id")
    if value is None:
        return None
    if not 0 < value < 2**31:
        raise Refused(404)
    return int(value)


def _read(
    ctx: Ctx, current: faq_editing.Editable | None
) -> tuple[EntryFields, dict[str, Text], dict[str, list[MarkupProblem]]]:
    problems: dict[str, list[MarkupProblem]] = {}
    dates = {}
    for name in ("reviewed_on", "expires_on"):
        try:
            dates[name] = parse_date(ctx.field(name, 20))
        except ValueError:
            dates[name] = None
            problems[name] = [MarkupProblem(1, "bad_date", "")]
    subcategory = ctx.field("subcategory", 40) or None
    fields = EntryFields(
        slug=current.fields.slug if current else ctx.field("slug", 100).strip(),
        category=ctx.field("category", 20),
        subcategory=subcategory,
        source_language=ctx.field("source_language", 5) or "pl",
        reviewed_by=ctx.field("reviewed_by", 200).strip() or None,
        reviewed_on=dates["reviewed_on"],
        expires_on=dates["expires_on"],
        review_note=ctx.field("review_note", 300).strip() or None,
    )
    texts = {
        lang: Text(
            ctx.field(f"question_{lang}", 2000).strip(),
            variants_of(ctx.field(f"variants_{lang}", 20_000)),
            ctx.field(f"answer_{lang}", 10_000).strip().replace("\r\n", "\n"),
        )
        for lang in LANGUAGES
    }
    return fields, texts, problems


def _preview(texts: dict[str, Text]) -> dict[str, list[str]]:
    """Each language's answer exactly as the bot sends it to Telegram (HTML pieces)."""
    shown = {}
    for lang, text in texts.items():
        if text.empty:
            continue
        reply = Reply(f"{text.question}\n\n{text.answer}", rich=True)
        shown[lang] = [html for html, _ in telegram_messages(reply)]
    return shown


def _form(
    ctx: Ctx,
    entry: faq_editing.Editable,
    problems: dict[str, list[MarkupProblem]],
    preview: dict[str, list[str]] | None,
    status: int = 200,
) -> Response:
    return ctx.render(
        "faq_edit.html",
        status=status,
        entry=entry,
        errors={name: [problem_text(ctx.t, p) for p in found] for name, found in problems.items()},
        preview=preview,
        editable=ctx.me.role == COORDINATOR,
        subcategories=sorted(SUBCATEGORIES),
        categories=HELP_KINDS,
        langs=LANGUAGES,
    )


def _import_problem(ctx: Ctx, problem: faq_exchange.ImportProblem) -> str:
    texts = {
        "too_large": ctx.t._("The file is too large (at most 1 MB)."),
        "not_po": ctx.t._("This is not a PO file."),
        "not_csv": ctx.t._(
            "This is not a CSV file with the columns slug, field, source, translation."
        ),
        "wrong_language": ctx.t._("The file is for another language."),
        "unknown_entry": ctx.t._("No FAQ entry has this name."),
        "bad_field": ctx.t._("Unknown field."),
        "placeholder": ctx.t._("A placeholder or link of the source text is missing or changed."),
        "markup": ctx.t._("The formatting would be refused by Telegram."),
        "too_long": ctx.t._("The text is too long."),
        "fuzzy": ctx.t._("Marked as fuzzy (needs work): not imported."),
        "encoding": ctx.t._("The file is not UTF-8 text."),
    }
    reason = texts.get(problem.code, problem.code)
    where = ctx.t._("Line {line}", line=problem.line) if problem.line else ""
    detail = f" ({problem.detail})" if problem.detail else ""
    return f"{where}: {reason}{detail}" if where else reason + detail
