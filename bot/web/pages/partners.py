"""Partners, their staff and the routing rules, with the gaps routing leaves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.responses import Response
from starlette.routing import Route

from bot.domain import (
    CATEGORIES,
    CITIES,
    HELP_KINDS,
    LANGUAGES,
    PLACES,
    SUBCATEGORIES,
    ConsoleRole,
    StaffRole,
)
from bot.services.records import (
    PartnerRecord,
    Problem,
    RoutingRuleRecord,
    StaffMemberRecord,
    check_fallback,
    check_targets,
    parse,
)
from bot.services.routing import route_case
from bot.storage.models import AuditEntry, Partner, RoutingRule, RoutingTarget, StaffMember
from bot.web.console import Console, Ctx, Refused
from bot.web.forms import record_problem_text


def routes(console: Console) -> list[Route]:
    coordinator = ConsoleRole.COORDINATOR

    @console.page(coordinator)
    def listing(ctx: Ctx) -> Response:
        with ctx.factory() as session:
            partners = session.scalars(
                select(Partner).options(selectinload(Partner.staff)).order_by(Partner.slug)
            ).all()
            return ctx.render("partners.html", partners=partners)

    @console.page(coordinator)
    def edit(ctx: Ctx) -> Response:
        slug = ctx.param("slug", 40)
        with ctx.factory.begin() as session:
            partner = session.scalars(
                select(Partner).options(selectinload(Partner.staff)).where(Partner.slug == slug)
            ).first()
            if partner is None:
                raise Refused(404)
            errors: dict[str, str] = {}
            if ctx.request.method == "POST":
                values, errors = _partner_form(ctx, is_fallback=partner.is_fallback)
                if not errors:
                    before = _partner_snapshot(partner)
                    for name, value in values.items():
                        setattr(partner, name, value)
                    session.add(AuditEntry(actor=ctx.me.actor, action="partner_updated",
                                           entity_type="partner", entity_id=slug, before=before,
                                           after=_partner_snapshot(partner)))  # fmt: skip
                    session.flush()
                    return ctx.redirect(f"/partners/{slug}", done="saved")
            return ctx.render(
                "partner_edit.html", status=400 if errors else 200, partner=partner,
                errors=errors, kinds=HELP_KINDS, places=PLACES, langs=LANGUAGES,
                staff_error=ctx.query("error", 300),
            )  # fmt: skip

    @console.page(coordinator)
    def staff_add(ctx: Ctx) -> Response:
        slug = ctx.param("slug", 40)
        telegram = ctx.field("telegram_user_id", 30).strip()
        form = {"display_name": ctx.field("display_name", 200), "role": ctx.field("role", 20),
                # Digits only: the record would also take "+42" or " 42".
                "telegram_user_id": int(telegram) if telegram.isdigit() else telegram or None}  # fmt: skip
        record, found = parse(StaffMemberRecord, form)
        problems = list(dict.fromkeys(record_problem_text(ctx.t, p) for p in found))
        telegram_id = record.telegram_user_id if record else None
        with ctx.factory.begin() as session:
            partner = session.scalars(select(Partner).where(Partner.slug == slug)).first()
            if partner is None:
                raise Refused(404)
            if telegram_id and session.scalars(select(StaffMember.id).where(
                StaffMember.partner_id == partner.id, StaffMember.telegram_user_id == telegram_id
            )).first():  # fmt: skip
                problems.append(ctx.t._("This Telegram account is already on the staff list."))
            if problems or record is None:
                return ctx.redirect(f"/partners/{slug}", error=" ".join(problems))
            name, role = record.display_name, record.role
            member = StaffMember(partner_id=partner.id, display_name=name, role=StaffRole(role),
                                 telegram_user_id=telegram_id)  # fmt: skip
            session.add(member)
            session.flush()
            session.add(AuditEntry(actor=ctx.me.actor, action="staff_added", entity_type="staff",
                                   entity_id=str(member.id), before=None,
                                   after={"partner": slug, "name": name, "role": role}))  # fmt: skip
        return ctx.redirect(f"/partners/{slug}", done="saved")

    @console.page(coordinator)
    def staff_active(ctx: Ctx) -> Response:
        slug = ctx.param("slug", 40)
        member_id = ctx.request.path_params["member_id"]
        with ctx.factory.begin() as session:
            member = session.get(StaffMember, member_id) if 0 < member_id < 2**31 else None
            partner = session.scalars(select(Partner).where(Partner.slug == slug)).first()
            if member is None or partner is None or member.partner_id != partner.id:
                raise Refused(404)
            active = ctx.field("active", 2) == "1"
            session.add(AuditEntry(actor=ctx.me.actor, action="staff_updated", entity_type="staff",
                                   entity_id=str(member.id), before={"active": member.active},
                                   after={"active": active}))  # fmt: skip
            member.active = active
        return ctx.redirect(f"/partners/{slug}", done="saved")

    @console.page(coordinator)
    def rules(ctx: Ctx) -> Response:
        return _rules_page(ctx, {})

    @console.page(coordinator)
    def rule_save(ctx: Ctx) -> Response:
        raw_id = ctx.request.path_params.get("rule_id")
        values, targets, errors = _rule_form(ctx)
        if errors:
            return _rules_page(ctx, errors, status=400)
        with ctx.factory.begin() as session:
            if raw_id is None:
                rule = RoutingRule(**values)
                session.add(rule)
                before = None
            else:
                found = session.get(RoutingRule, raw_id) if 0 < raw_id < 2**31 else None
                if found is None:
                    raise Refused(404)
                rule = found
                before = _rule_snapshot(rule)
                for name, value in values.items():
                    setattr(rule, name, value)
            if ctx.field("delete", 2) == "1" and raw_id is not None:
                session.delete(rule)
                action, after = "routing_rule_deleted", None
            else:
                partners = {p.slug: p for p in session.scalars(select(Partner))}
                rule.targets.clear()
                session.flush()
                for rank, slug in enumerate(targets):
                    rule.targets.append(RoutingTarget(partner=partners[slug], rank=rank))
                session.flush()
                action, after = "routing_rule_saved", _rule_snapshot(rule)
            session.add(AuditEntry(actor=ctx.me.actor, action=action, entity_type="routing_rule",
                                   entity_id=str(rule.id), before=before, after=after))  # fmt: skip
        return ctx.redirect("/routing", done="saved")

    return [
        Route("/partners", listing),
        Route("/partners/{slug}", edit, methods=["GET", "POST"]),
        Route("/partners/{slug}/staff", staff_add, methods=["POST"]),
        Route("/partners/{slug}/staff/{member_id:int}", staff_active, methods=["POST"]),
        Route("/routing", rules),
        Route("/routing/new", rule_save, methods=["POST"]),
        Route("/routing/{rule_id:int}", rule_save, methods=["POST"]),
    ]


def _checked(ctx: Ctx, prefix: str, allowed: list[str] | tuple[str, ...]) -> list[str]:
    return [value for value in allowed if ctx.field(f"{prefix}_{value}", 2) == "1"]


def _partner_form(ctx: Ctx, *, is_fallback: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The form as a partner record (the schema `razem seed` uses), or the problems."""
    capacity = ctx.field("capacity", 10).strip()
    form = {
        "name_pl": ctx.field("name_pl", 300),
        "name_en": ctx.field("name_en", 300),
        "cities": _checked(ctx, "city", PLACES),
        "kinds": _checked(ctx, "kind", HELP_KINDS),
        "languages": _checked(ctx, "language", LANGUAGES),
        "online": ctx.field("online", 2) == "1",
        "takes_cases": ctx.field("takes_cases", 2) == "1",
        "contact": ctx.field("contact", 2000),
        "website": ctx.field("website", 400).strip(),
        # Digits only: the record would also take " 4" or "4.0".
        "capacity": int(capacity) if capacity.isdigit() else capacity or None,
    }
    record, problems = parse(PartnerRecord, form)
    if record is not None:
        problems = check_fallback(record, is_fallback)
    if record is None or problems:
        return {}, _errors(ctx, problems)
    return record.model_dump(), {}


def _errors(
    ctx: Ctx, problems: list[Problem], renamed: dict[str, str] | None = None
) -> dict[str, str]:
    """The first problem of each field, in words, by the form's field name."""
    errors: dict[str, str] = {}
    for problem in problems:
        name = (renamed or {}).get(problem.field, problem.field)
        errors.setdefault(name, record_problem_text(ctx.t, problem))
    return errors


def _partner_snapshot(partner: Partner) -> dict[str, Any]:
    return {name: getattr(partner, name) for name in (
        "name_pl", "name_en", "cities", "kinds", "languages", "online", "takes_cases",
        "capacity", "contact", "website")}  # fmt: skip


def _rule_form(ctx: Ctx) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """The form as a routing rule (the schema `razem seed` uses) and its position."""
    errors: dict[str, str] = {}
    position = ctx.field("position", 10).strip()
    values: dict[str, Any] = {
        "position": int(position) if position.isdigit() and int(position) < 100_000 else None
    }
    if values["position"] is None:
        errors["position"] = ctx.t._("A whole number: lower numbers are tried first.")
    if ctx.field("delete", 2) == "1" and ctx.request.path_params.get("rule_id") is not None:
        return values, [], errors
    form = {
        "category": ctx.field("category", 20) or None,
        "subcategory": ctx.field("subcategory", 40) or None,
        "city": ctx.field("city", 40) or None,
        "language": ctx.field("language", 5) or None,
        "note": ctx.field("note", 500).strip() or None,
        "partners": [s.strip() for s in ctx.field("targets", 500).split(",") if s.strip()],
    }
    rule, problems = parse(RoutingRuleRecord, form)
    if rule is not None:
        with ctx.factory() as session:
            rows = session.execute(select(Partner.slug, Partner.takes_cases))
            takes_cases = {slug: takes for slug, takes in rows}
        problems = check_targets(rule, takes_cases)
    if rule is None or problems:
        return values, [], errors | _errors(ctx, problems, {"partners": "targets"})
    fields = rule.model_dump()
    return (
        values | {k: fields[k] for k in ("category", "subcategory", "city", "language", "note")},
        fields["partners"],
        errors,
    )


def _rule_snapshot(rule: RoutingRule) -> dict[str, Any]:
    return {
        "position": rule.position, "category": rule.category, "subcategory": rule.subcategory,
        "city": rule.city, "language": rule.language,
        "targets": [t.partner.slug for t in rule.targets if t.partner is not None],
    }  # fmt: skip


def _rules_page(ctx: Ctx, errors: dict[str, str], status: int = 200) -> Response:
    with ctx.factory() as session:
        rules = session.scalars(
            select(RoutingRule)
            .options(selectinload(RoutingRule.targets).selectinload(RoutingTarget.partner))
            .order_by(RoutingRule.position, RoutingRule.id)
        ).all()
        gaps = []
        for kind in HELP_KINDS:
            for language in LANGUAGES:
                for city in CITIES:
                    try:
                        route = route_case(session, category=kind, subcategory=None,
                                           city=city, language=language)  # fmt: skip
                    except LookupError:
                        gaps.append((kind, language, city))
                        continue
                    partner = route.partner
                    if (partner.is_fallback or language not in partner.languages
                            or not (city in partner.cities or partner.online)):  # fmt: skip
                        gaps.append((kind, language, city))
        return ctx.render(
            "routing.html", status=status, rules=rules, gaps=gaps, errors=errors,
            categories=CATEGORIES, places=PLACES, langs=LANGUAGES,
            subcategories=sorted(SUBCATEGORIES),
        )  # fmt: skip
