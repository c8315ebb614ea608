"""Which partner's queue a case goes to, and why.

Rules (data/routing.yml, loaded into the database) are tried by position; the
first rule whose fields all match (an empty field matches anything) gives the
candidates. Among them: partners that take cases and offer this kind of help,
then those that speak the person's language, then those with room under their
capacity, then the fewest open cases, then the rule's order. No rule, or no
usable candidate: the consortium's fallback queue. Every case gets a queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.domain import OPEN_CASE_STATUSES
from bot.storage.models import Case, Partner, RoutingRule


@dataclass(frozen=True)
class Route:
    partner: Partner
    reasons: tuple[str, ...]

    def explain(self) -> str:
        return "; ".join(self.reasons)


def route_case(
    session: Session, *, category: str, subcategory: str | None, city: str, language: str
) -> Route:
    reasons: list[str] = []
    rules = session.scalars(
        select(RoutingRule)
        .options(selectinload(RoutingRule.targets))
        .order_by(RoutingRule.position)
    ).all()
    for rule in rules:
        if not _matches(rule, category, subcategory, city, language):
            continue
        reasons.append(f"rule {rule.position} matches ({_describe(rule)})")
        chosen = _pick(session, [t.partner for t in rule.targets], category, language, reasons)
        if chosen is not None:
            return Route(chosen, tuple(reasons))
    fallback = session.scalars(select(Partner).where(Partner.is_fallback)).first()
    if fallback is None:
        raise LookupError("no fallback partner: run razem seed")
    reasons.append(f"no rule gave a partner: fallback queue {fallback.slug}")
    return Route(fallback, tuple(reasons))


def _matches(
    rule: RoutingRule, category: str, subcategory: str | None, city: str, language: str
) -> bool:
    return (
        (rule.category is None or rule.category == category)
        and (rule.subcategory is None or rule.subcategory == subcategory)
        and (rule.city is None or rule.city == city)
        and (rule.language is None or rule.language == language)
    )


def _describe(rule: RoutingRule) -> str:
    fields = [
        f"{name}={value}"
        for name, value in (
            ("category", rule.category),
            ("subcategory", rule.subcategory),
            ("city", rule.city),
            ("language", rule.language),
        )
        if value
    ]
    return ", ".join(fields) or "any case"


def _pick(
    session: Session, partners: list[Partner], category: str, language: str, reasons: list[str]
) -> Partner | None:
    usable = [p for p in partners if p.takes_cases and (category in p.kinds or p.is_fallback)]
    for partner in partners:
        if partner not in usable:
            reasons.append(f"{partner.slug} skipped: does not take {category} cases")
    if not usable:
        return None
    speaking = [p for p in usable if language in p.languages]
    if speaking:
        usable = speaking
    else:
        reasons.append(f"no candidate lists language {language}")
    open_cases = dict(
        session.execute(
            select(Case.partner_id, func.count())
            .where(Case.partner_id.in_([p.id for p in usable]), Case.status.in_(OPEN_CASE_STATUSES))
            .group_by(Case.partner_id)
        ).all()
    )
    with_room = [p for p in usable if p.capacity is None or open_cases.get(p.id, 0) < p.capacity]
    if not with_room:
        reasons.append("all candidates are at capacity: taking the least loaded")
        with_room = usable
    order = {p.id: i for i, p in enumerate(partners)}
    chosen = min(with_room, key=lambda p: (open_cases.get(p.id, 0), order[p.id]))
    speaks = language if language in chosen.languages else "another language"
    load = f"{open_cases.get(chosen.id, 0)} open cases" + (
        f" of {chosen.capacity}" if chosen.capacity else ""
    )
    reasons.append(f"chose {chosen.slug}: speaks {speaks}, {load}")
    return chosen
