"""`razem chat --staff SLUG`: a partner's queue as its staff see it (pseudonymous)."""

from __future__ import annotations

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import OPEN_CASE_STATUSES
from bot.errors import NotFound
from bot.i18n import translator
from bot.storage.models import Case, Partner


def partner_queue(factory: sessionmaker[Session], slug: str, locale: str = "en") -> str:
    t = translator(locale)
    with factory() as session:
        partner = session.scalars(select(Partner).where(Partner.slug == slug)).first()
        if partner is None:
            slugs = ", ".join(session.scalars(select(Partner.slug).order_by(Partner.slug)))
            raise NotFound(f"no partner {slug!r} (known: {slugs})")
        cases = session.scalars(
            select(Case)
            .where(Case.partner_id == partner.id, Case.status.in_(OPEN_CASE_STATUSES))
            .order_by(when((Case.urgent, 0), else_=1), Case.created_at)
        ).all()
        lines = [f"{partner.name_en} ({partner.slug}): {len(cases)} open"]
        for case in cases:
            mark = "URGENT " if case.urgent else ""
            lines.append(
                f"{mark}{case.reference}  {case.status.value}  {case.category}/{case.subcategory}  "
                f"{case.language}  {case.city}  {t.datetime(case.created_at)}"
            )
            first = (case.summary or "").splitlines()[0:1]
            if first:
                lines.append(f"    “{first[0][:200]}”")
        return "\n".join(lines)
