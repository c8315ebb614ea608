"""`razem seed`: load data/*.yml into the database, idempotently, in one transaction.

A seeded row remembers a checksum of what the seed wrote. When a coordinator
later edits the row, its content no longer matches that checksum, and a new seed
leaves it alone unless ``force`` is set.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import FaqStatus
from bot.errors import DataError
from bot.seed.schema import (
    FaqEntrySeed,
    FaqFile,
    PartnerSeed,
    PartnersFile,
    RoutingFile,
    RuleSeed,
)
from bot.seed.yaml_files import load_validated
from bot.services.records import check_targets
from bot.storage.models import (
    AuditEntry,
    FaqEntry,
    FaqRevision,
    FaqTranslation,
    Partner,
    RoutingRule,
    RoutingTarget,
)
from bot.storage.types import utcnow

SEED_ACTOR = "seed"


@dataclass
class TableReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edits: list[str] = field(default_factory=list)
    removed: int = 0

    def line(self, name: str) -> str:
        text = f"{name}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.removed:
            text += f", {self.removed} removed"
        if self.kept_edits:
            kept = ", ".join(self.kept_edits)
            text += f", {len(self.kept_edits)} edited in the database kept ({kept})"
        return text


@dataclass
class SeedReport:
    partners: TableReport = field(default_factory=TableReport)
    rules: TableReport = field(default_factory=TableReport)
    faq: TableReport = field(default_factory=TableReport)

    def lines(self) -> list[str]:
        return [
            self.partners.line("partners"),
            self.rules.line("routing rules"),
            self.faq.line("FAQ entries"),
        ]


@dataclass(frozen=True)
class SeedData:
    partners: PartnersFile
    routing: RoutingFile
    faq: FaqFile


def read_seed_data(data_dir: Path) -> SeedData:
    """Read and check all three files; raises DataError before anything is written."""
    partners = load_validated(data_dir / "partners.yml", PartnersFile)
    routing = load_validated(data_dir / "routing.yml", RoutingFile)
    faq = load_validated(data_dir / "faq.yml", FaqFile)
    _check_references(data_dir, partners, routing)
    return SeedData(partners, routing, faq)


def _check_references(data_dir: Path, partners: PartnersFile, routing: RoutingFile) -> None:
    by_slug = {p.slug: p for p in partners.partners}
    where = data_dir / "routing.yml"
    fallback = by_slug.get(routing.fallback)
    if fallback is None or not fallback.fallback:
        raise DataError(f"{where}: fallback: {routing.fallback!r} is not the fallback partner")
    takes_cases = {p.slug: p.takes_cases for p in partners.partners}
    for index, rule in enumerate(routing.rules):
        for problem in check_targets(rule, takes_cases):
            raise DataError(
                f"{where}: rules[{index}].partners: {problem.message}", code=problem.code
            )


def seed(factory: sessionmaker[Session], data: SeedData, *, force: bool = False) -> SeedReport:
    """Load ``data`` in one transaction and say what changed."""
    report = SeedReport()
    with factory.begin() as session:
        partners = _seed_partners(session, data.partners.partners, force, report.partners)
        _seed_rules(session, data.routing.rules, partners, force, report.rules)
        _seed_faq(session, data.faq.entries, force, report.faq)
        session.add(
            AuditEntry(
                actor=SEED_ACTOR,
                action="seed",
                entity_type="seed",
                entity_id=None,
                before=None,
                after={"force": force, "report": report.lines()},
            )
        )
    return report


def checksum(value: Any) -> str:
    encoded = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _partner_fields(seed: PartnerSeed) -> dict[str, Any]:
    # Contact and website are the seed's only where the file gives them: coordinators
    # usually fill them in, and rows seeded before they could be given keep their checksum.
    given = {name: getattr(seed, name) for name in ("contact", "website") if getattr(seed, name)}
    return given | {
        "name_pl": seed.name_pl,
        "name_en": seed.name_en,
        "cities": list(seed.cities),
        "kinds": list(seed.kinds),
        "languages": list(seed.languages),
        "online": seed.online,
        "takes_cases": seed.takes_cases,
        "is_fallback": seed.fallback,
        "capacity": seed.capacity,
    }


def _row_fields(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _seed_partners(
    session: Session, seeds: list[PartnerSeed], force: bool, report: TableReport
) -> dict[str, Partner]:
    existing = {p.slug: p for p in session.scalars(select(Partner))}
    for seed_row in seeds:
        fields = _partner_fields(seed_row)
        row = existing.get(seed_row.slug)
        if row is None:
            row = Partner(slug=seed_row.slug, seed_checksum=checksum(fields), **fields)
            session.add(row)
            existing[seed_row.slug] = row
            report.created += 1
            continue
        current = checksum(_row_fields(row, fields))
        if current == checksum(fields):
            row.seed_checksum = current
            report.unchanged += 1
        elif current == row.seed_checksum or force:
            for name, value in fields.items():
                setattr(row, name, value)
            row.seed_checksum = checksum(fields)
            report.updated += 1
        else:
            report.kept_edits.append(seed_row.slug)
    session.flush()
    return existing


def _rule_fields(rule: RuleSeed) -> dict[str, Any]:
    return {
        "category": rule.category,
        "subcategory": rule.subcategory,
        "city": rule.city,
        "language": rule.language,
        "note": rule.note,
        "partners": list(rule.partners),
    }


def _rule_row_fields(row: RoutingRule) -> dict[str, Any]:
    return {
        "category": row.category,
        "subcategory": row.subcategory,
        "city": row.city,
        "language": row.language,
        "note": row.note,
        "partners": [target.partner.slug for target in row.targets],
    }


def _seed_rules(
    session: Session,
    seeds: list[RuleSeed],
    partners: dict[str, Partner],
    force: bool,
    report: TableReport,
) -> None:
    rows = {r.position: r for r in session.scalars(select(RoutingRule))}
    for position, seed_row in enumerate(seeds, start=1):
        fields = _rule_fields(seed_row)
        row = rows.pop(position, None)
        if row is None:
            row = RoutingRule(position=position)
            session.add(row)
            _apply_rule(row, fields, partners)
            report.created += 1
            continue
        current = checksum(_rule_row_fields(row))
        if current == checksum(fields):
            row.seed_checksum = current
            report.unchanged += 1
        elif current == row.seed_checksum or force:
            _apply_rule(row, fields, partners)
            report.updated += 1
        else:
            report.kept_edits.append(f"rule {position}")
    for position, row in rows.items():
        # Rules past the end of the file: drop those the seed wrote and nobody edited.
        if row.seed_checksum is not None and (
            force or checksum(_rule_row_fields(row)) == row.seed_checksum
        ):
            session.delete(row)
            report.removed += 1
        elif row.seed_checksum is not None:
            report.kept_edits.append(f"rule {position}")


def _apply_rule(row: RoutingRule, fields: dict[str, Any], partners: dict[str, Partner]) -> None:
    row.category = fields["category"]
    row.subcategory = fields["subcategory"]
    row.city = fields["city"]
    row.language = fields["language"]
    row.note = fields["note"]
    row.targets = [
        RoutingTarget(partner=partners[slug], rank=rank)
        for rank, slug in enumerate(fields["partners"])
    ]
    row.seed_checksum = checksum(fields)


def _faq_fields(seed: FaqEntrySeed) -> dict[str, Any]:
    return {
        "category": seed.category,
        "subcategory": seed.subcategory,
        "review_note": seed.review,
        "facts_as_of": seed.facts_as_of.isoformat(),
        "expires_on": seed.expires_on.isoformat() if seed.expires_on else None,
        "source_url": seed.source,
        "translations": {
            lang: {"question": t.question, "variants": list(t.variants), "answer": t.answer}
            for lang, t in sorted(seed.translations.items())
        },
    }


def _faq_row_fields(row: FaqEntry) -> dict[str, Any]:
    return {
        "category": row.category,
        "subcategory": row.subcategory,
        "review_note": row.review_note,
        "facts_as_of": row.facts_as_of.isoformat() if row.facts_as_of else None,
        "expires_on": row.expires_on.isoformat() if row.expires_on else None,
        "source_url": row.source_url,
        "translations": {
            t.language: {"question": t.question, "variants": list(t.variants), "answer": t.answer}
            for t in sorted(row.translations, key=lambda t: t.language)
        },
    }


def _seed_faq(
    session: Session, seeds: list[FaqEntrySeed], force: bool, report: TableReport
) -> None:
    existing = {e.slug: e for e in session.scalars(select(FaqEntry))}
    for seed_row in seeds:
        fields = _faq_fields(seed_row)
        row = existing.get(seed_row.slug)
        if row is None:
            row = FaqEntry(slug=seed_row.slug, status=FaqStatus.DRAFT)
            session.add(row)
            _apply_faq(session, row, seed_row, fields)
            report.created += 1
            continue
        current = checksum(_faq_row_fields(row))
        if current == checksum(fields):
            row.seed_checksum = current
            report.unchanged += 1
        elif current == row.seed_checksum or force:
            _apply_faq(session, row, seed_row, fields)
            report.updated += 1
        else:
            report.kept_edits.append(seed_row.slug)


def _apply_faq(
    session: Session, row: FaqEntry, seed_row: FaqEntrySeed, fields: dict[str, Any]
) -> None:
    row.category = seed_row.category
    row.subcategory = seed_row.subcategory
    row.review_note = seed_row.review
    row.facts_as_of = seed_row.facts_as_of
    row.expires_on = seed_row.expires_on
    row.source_url = seed_row.source
    by_language = {t.language: t for t in row.translations}
    changed_at = utcnow()  # one moment for all languages: none "needs update" after a seed
    for language, text in sorted(seed_row.translations.items()):
        translation = by_language.get(language)
        if translation is None:
            translation = FaqTranslation(language=language)
            row.translations.append(translation)
        translation.question = text.question
        translation.variants = list(text.variants)
        translation.answer = text.answer
        translation.text_changed_at, translation.source_changed_at = changed_at, None
        session.add(
            FaqRevision(
                entry=row,
                language=language,
                question=text.question,
                variants=list(text.variants),
                answer=text.answer,
                author=SEED_ACTOR,
                action="seeded",
            )
        )
    row.seed_checksum = checksum(fields)
