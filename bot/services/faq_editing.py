"""Coordinators editing the FAQ: drafts, publishing, per-language status, history.

The live text of a translation (question, variants, answer) is what people see once it
is published; edits saved as a draft wait beside it until someone publishes them.
Every save records a revision and an audit entry with the text before and after.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text as TextType
from sqlalchemy import cast, func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.domain import HELP_KINDS, LANGUAGES, SUBCATEGORY_CATEGORY, FaqStatus
from bot.services.faq_markup import (
    MAX_QUESTION,
    MAX_VARIANT,
    MAX_VARIANTS,
    MarkupProblem,
    check_answer,
    check_line,
)
from bot.services.records import FAQ_SLUG
from bot.storage.models import AuditEntry, FaqEntry, FaqRevision, FaqTranslation
from bot.storage.types import utcnow


@dataclass(frozen=True)
class Text:
    question: str
    variants: tuple[str, ...]
    answer: str

    @property
    def empty(self) -> bool:
        return not (self.question.strip() or self.answer.strip() or self.variants)

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "variants": list(self.variants), "answer": self.answer}

    def revision(self, language: str, author: str, action: str, **entry: Any) -> FaqRevision:
        """This text as a row of the entry's history (``entry=`` or ``entry_id=``)."""
        return FaqRevision(language=language, question=self.question, variants=list(self.variants),
                           answer=self.answer, author=author, action=action, **entry)  # fmt: skip

    @classmethod
    def of(cls, data: dict[str, Any] | FaqTranslation | FaqRevision) -> Text:
        if isinstance(data, dict):
            return cls(data["question"], tuple(data.get("variants") or ()), data["answer"])
        return cls(data.question, tuple(data.variants or ()), data.answer)


@dataclass(frozen=True)
class EntryFields:
    slug: str
    category: str
    subcategory: str | None
    source_language: str = "pl"
    reviewed_by: str | None = None
    reviewed_on: date | None = None
    expires_on: date | None = None
    review_note: str | None = None


@dataclass(frozen=True)
class LanguageState:
    language: str
    state: str  # missing | draft | published | changed (published, with a pending draft)
    needs_update: bool


@dataclass(frozen=True)
class EntrySummary:
    id: int
    slug: str
    category: str
    subcategory: str | None
    published: bool
    question: str
    languages: tuple[LanguageState, ...]
    reviewed_by: str | None
    reviewed_at: datetime | None
    expires_on: date | None

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < date.today()

    @property
    def never_reviewed(self) -> bool:
        return self.reviewed_at is None


@dataclass
class Editable:
    """What the edit page shows: entry fields, and per language the text being edited
    (the pending draft, else the live text) next to its state."""

    id: int | None
    fields: EntryFields
    published: bool
    texts: dict[str, Text] = field(default_factory=dict)
    states: dict[str, LanguageState] = field(default_factory=dict)


Problems = dict[str, list[MarkupProblem]]


@dataclass(frozen=True)
class _Live:
    """What a translation's state depends on (not its words)."""

    language: str
    has_answer: bool
    has_draft: bool
    published_at: datetime | None
    text_changed_at: datetime
    source_changed_at: datetime | None

    @classmethod
    def of(cls, t: FaqTranslation) -> _Live:
        return cls(t.language, bool(t.answer.strip()), t.draft is not None, t.published_at,
                   t.text_changed_at, t.source_changed_at)  # fmt: skip


def _states(entry: FaqEntry) -> dict[str, LanguageState]:
    return _language_states(
        entry.source_language, entry.status, [_Live.of(t) for t in entry.translations]
    )


def _language_states(
    source_language: str, status: FaqStatus, translations: Iterable[_Live]
) -> dict[str, LanguageState]:
    by_language = {t.language: t for t in translations}
    source = by_language.get(source_language)
    states = {}
    for language in LANGUAGES:
        translation = by_language.get(language)
        if translation is None or (not translation.has_answer and not translation.has_draft):
            states[language] = LanguageState(language, "missing", False)
            continue
        if translation.published_at is None or status != FaqStatus.PUBLISHED:
            state = "draft"
        else:
            state = "changed" if translation.has_draft else "published"
        base = translation.source_changed_at or translation.text_changed_at
        stale = language != source_language and source is not None and source.text_changed_at > base
        states[language] = LanguageState(language, state, stale)
    return states


def overview(factory: sessionmaker[Session], language: str) -> list[EntrySummary]:
    """Every entry, with its question in ``language`` (or the source language)."""
    # Columns, not ORM objects: the list needs no variants and only whether a draft
    # exists (with 200 entries, about 4x faster than loading whole translations).
    # A draft of None is stored as SQL NULL or as JSON null: NULLIF makes both NULL.
    draft = func.nullif(cast(FaqTranslation.draft, TextType), "null")
    with factory() as session:
        entries = session.execute(
            select(FaqEntry.id, FaqEntry.slug, FaqEntry.category, FaqEntry.subcategory,
                   FaqEntry.status, FaqEntry.source_language, FaqEntry.reviewed_by,
                   FaqEntry.reviewed_at, FaqEntry.expires_on)
            .order_by(FaqEntry.slug)
        ).all()  # fmt: skip
        rows = session.execute(
            select(FaqTranslation.entry_id, FaqTranslation.language, FaqTranslation.question,
                   FaqTranslation.answer, draft, FaqTranslation.published_at,
                   FaqTranslation.text_changed_at, FaqTranslation.source_changed_at)
        ).all()  # fmt: skip
    questions: dict[tuple[int, str], str] = {}
    translations: dict[int, list[_Live]] = {}
    for entry_id, lang, question, answer, pending, published_at, changed, source in rows:
        questions[entry_id, lang] = question
        live = _Live(lang, bool(answer.strip()), pending is not None, published_at, changed, source)
        translations.setdefault(entry_id, []).append(live)
    summaries = []
    for entry in entries:
        shown = (entry.id, language)
        if shown not in questions:
            shown = (entry.id, entry.source_language)
        question = questions.get(shown)
        summaries.append(
            EntrySummary(
                entry.id,
                entry.slug,
                entry.category,
                entry.subcategory,
                entry.status == FaqStatus.PUBLISHED,
                question or entry.slug,
                tuple(
                    _language_states(
                        entry.source_language, entry.status, translations.get(entry.id, ())
                    ).values()
                ),
                entry.reviewed_by,
                entry.reviewed_at,
                entry.expires_on,
            )
        )
    return summaries


def editable(factory: sessionmaker[Session], entry_id: int) -> Editable | None:
    with factory() as session:
        entry = session.get(FaqEntry, entry_id, options=[selectinload(FaqEntry.translations)])
        if entry is None:
            return None
        result = Editable(
            entry.id,
            EntryFields(
                entry.slug,
                entry.category,
                entry.subcategory,
                entry.source_language,
                entry.reviewed_by,
                entry.reviewed_at.date() if entry.reviewed_at else None,
                entry.expires_on,
                entry.review_note,
            ),
            entry.status == FaqStatus.PUBLISHED,
            states=_states(entry),
        )
        for translation in entry.translations:
            result.texts[translation.language] = Text.of(translation.draft or translation)
        return result


def validate(fields: EntryFields, texts: dict[str, Text], *, new: bool) -> Problems:
    """Problems by form field name (``slug``, ``answer_uk``…); empty when all is well."""
    problems: Problems = {}
    if new and not FAQ_SLUG.match(fields.slug):
        problems["slug"] = [MarkupProblem(1, "bad_slug", "")]
    if fields.category not in HELP_KINDS:
        problems["category"] = [MarkupProblem(1, "bad_choice", "")]
    if fields.subcategory and SUBCATEGORY_CATEGORY.get(fields.subcategory) != fields.category:
        problems["subcategory"] = [MarkupProblem(1, "bad_choice", "")]
    if fields.source_language not in LANGUAGES:
        problems["source_language"] = [MarkupProblem(1, "bad_choice", "")]
    for name, value in (("reviewed_by", fields.reviewed_by), ("review_note", fields.review_note)):
        if value and len(value) > 120:
            problems[name] = [MarkupProblem(1, "too_long", "120")]
    if not any(not text.empty for text in texts.values()):
        problems[f"answer_{fields.source_language}"] = [MarkupProblem(1, "empty", "")]
    for language, text in texts.items():
        if text.empty:
            continue
        if found := check_line(text.question, MAX_QUESTION):
            problems[f"question_{language}"] = found
        if found := check_answer(text.answer):
            problems[f"answer_{language}"] = found
        variant_problems = [
            MarkupProblem(number, p.code, p.detail)
            for number, variant in enumerate(text.variants, 1)
            for p in check_line(variant, MAX_VARIANT)
        ]
        if len(text.variants) > MAX_VARIANTS:
            variant_problems.append(MarkupProblem(MAX_VARIANTS + 1, "too_many", str(MAX_VARIANTS)))
        if variant_problems:
            problems[f"variants_{language}"] = variant_problems
    return problems


@dataclass(frozen=True)
class Saved:
    entry_id: int | None
    problems: Problems


def save(
    factory: sessionmaker[Session],
    entry_id: int | None,
    fields: EntryFields,
    texts: dict[str, Text],
    author: str,
    *,
    publish: bool,
    confirmed_current: frozenset[str] = frozenset(),
) -> Saved:
    """Save the form as a draft, or publish it (all languages with text go live).

    ``confirmed_current``: languages the editor says still match the source text,
    though their words did not change (clears "needs update").
    """
    problems = validate(fields, texts, new=entry_id is None)
    if problems:
        return Saved(entry_id, problems)
    with factory.begin() as session:
        if entry_id is None:
            if session.scalars(select(FaqEntry.id).where(FaqEntry.slug == fields.slug)).first():
                return Saved(None, {"slug": [MarkupProblem(1, "taken", fields.slug)]})
            entry = FaqEntry(slug=fields.slug, status=FaqStatus.DRAFT)
            session.add(entry)
        else:
            found = session.get(FaqEntry, entry_id, options=[selectinload(FaqEntry.translations)])
            if found is None:
                return Saved(None, {"": [MarkupProblem(1, "not_found", str(entry_id))]})
            entry = found
        now = utcnow()
        before = _snapshot(entry)
        entry.category, entry.subcategory = fields.category, fields.subcategory or None
        entry.source_language, entry.review_note = fields.source_language, fields.review_note
        entry.expires_on = fields.expires_on
        reviewed_at = entry.reviewed_at.date() if entry.reviewed_at else None
        if (fields.reviewed_by or None, fields.reviewed_on) != (entry.reviewed_by, reviewed_at):
            entry.reviewed_by = fields.reviewed_by or None
            entry.reviewed_at = (
                datetime.combine(fields.reviewed_on, datetime.min.time(), now.tzinfo)
                if fields.reviewed_on
                else None
            )
        by_language = {t.language: t for t in entry.translations}
        # The source language first: the others are compared with its new version.
        order = sorted(texts, key=lambda lang: lang != fields.source_language)
        for language in order:
            text = texts[language]
            translation = by_language.get(language)
            if text.empty:
                continue
            if translation is None:
                translation = FaqTranslation(
                    language=language, question="", variants=[], answer="", text_changed_at=now
                )
                entry.translations.append(translation)
                by_language[language] = translation
            live = Text.of(translation)
            if publish:
                changed = text != live
                if changed:
                    translation.question, translation.answer = text.question, text.answer
                    translation.variants = list(text.variants)
                    translation.text_changed_at = now
                source = by_language.get(fields.source_language)
                in_line = changed or language in confirmed_current
                if language != fields.source_language and source is not None and in_line:
                    translation.source_changed_at = source.text_changed_at
                translation.draft, translation.published_at = None, now
                action = "published"
            else:
                pending = None if text == live else text.as_dict()
                changed = pending != translation.draft
                translation.draft = pending
                action = "draft"
            if changed:
                session.add(text.revision(language, author, action, entry=entry))
        if publish:
            entry.status = FaqStatus.PUBLISHED
        # The running bots watch this stamp to reload their FAQ index.
        entry.updated_at = now
        session.flush()
        session.add(
            AuditEntry(
                actor=author,
                action="faq_published" if publish else "faq_draft_saved",
                entity_type="faq",
                entity_id=entry.slug,
                before=before,
                after=_snapshot(entry),
            )
        )
        return Saved(entry.id, {})


def unpublish(factory: sessionmaker[Session], entry_id: int, author: str) -> bool:
    """Take an entry off the bot (it becomes a draft again)."""
    with factory.begin() as session:
        entry = session.get(FaqEntry, entry_id)
        if entry is None or entry.status != FaqStatus.PUBLISHED:
            return False
        entry.status, entry.updated_at = FaqStatus.DRAFT, utcnow()
        session.add(
            AuditEntry(
                actor=author,
                action="faq_unpublished",
                entity_type="faq",
                entity_id=entry.slug,
                before={"status": "published"},
                after={"status": "draft"},
            )
        )
        return True


@dataclass(frozen=True)
class Revision:
    id: int
    language: str
    text: Text
    author: str
    action: str
    created_at: datetime


def revisions(factory: sessionmaker[Session], entry_id: int) -> list[Revision]:
    with factory() as session:
        rows = session.scalars(
            select(FaqRevision)
            .where(FaqRevision.entry_id == entry_id)
            .order_by(FaqRevision.id.desc())
            .limit(200)
        ).all()
        return [
            Revision(r.id, r.language, Text.of(r), r.author, r.action, r.created_at) for r in rows
        ]


def revert(factory: sessionmaker[Session], entry_id: int, revision_id: int, author: str) -> bool:
    """Put an earlier version back as the draft of its language (publish to make it live)."""
    with factory.begin() as session:
        revision = session.get(FaqRevision, revision_id)
        if revision is None or revision.entry_id != entry_id:
            return False
        translation = session.scalars(
            select(FaqTranslation).where(
                FaqTranslation.entry_id == entry_id,
                FaqTranslation.language == revision.language,
            )
        ).first()
        if translation is None:
            return False
        before = translation.draft
        slug = session.scalars(select(FaqEntry.slug).where(FaqEntry.id == entry_id)).one()
        restored = Text.of(revision)
        translation.draft = None if restored == Text.of(translation) else restored.as_dict()
        session.add(restored.revision(revision.language, author, "reverted", entry_id=entry_id))
        session.add(
            AuditEntry(
                actor=author,
                action="faq_reverted",
                entity_type="faq",
                entity_id=slug,
                before={"draft": before, "language": revision.language},
                after={"draft": translation.draft, "revision": revision_id},
            )
        )
        return True


def _snapshot(entry: FaqEntry) -> dict[str, Any]:
    return {
        "status": str(entry.status) if entry.status else None,
        "category": entry.category,
        "subcategory": entry.subcategory,
        "reviewed_by": entry.reviewed_by,
        "expires_on": entry.expires_on.isoformat() if entry.expires_on else None,
        "texts": {
            t.language: {**Text.of(t).as_dict(), "draft": t.draft} for t in entry.translations
        },
    }
