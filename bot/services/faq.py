"""FAQ entries as the NLU's matcher and the conversation read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.domain import FaqStatus, Language
from bot.storage.models import FaqEntry, FaqTranslation
from nlu.api import FaqDocument


def faq_documents(factory: sessionmaker[Session], *, include_drafts: bool) -> list[FaqDocument]:
    """Every way of asking each visible entry, in every language."""
    statuses = [FaqStatus.PUBLISHED, FaqStatus.DRAFT] if include_drafts else [FaqStatus.PUBLISHED]
    with factory() as session:
        entries = session.scalars(
            select(FaqEntry)
            .where(FaqEntry.status.in_(statuses))
            .options(selectinload(FaqEntry.translations))
            .order_by(FaqEntry.id)
        ).all()
        return [
            FaqDocument(
                id=entry.slug,
                subcategory=entry.subcategory,
                texts=tuple(
                    text
                    for translation in entry.translations
                    if shown(translation, include_drafts)
                    for text in (translation.question, *translation.variants)
                ),
            )
            for entry in entries
        ]


def faq_version(factory: sessionmaker[Session]) -> tuple[object, ...]:
    """Changes whenever an entry is added, removed, published or edited (publishing
    touches the entry's updated_at): the running bots compare it to refresh their index."""
    with factory() as session:
        row = session.execute(select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at))).one()
        return tuple(row)


# When the person's language has no text: English first, then Polish, then the rest.
FALLBACK_ORDER = (Language.EN, Language.PL, Language.UK, Language.RU)


def shown(translation: FaqTranslation, include_drafts: bool) -> bool:
    """A language is shown once published (or, in the demo, as soon as it has text)."""
    if not translation.answer.strip():
        return False
    return include_drafts or translation.published_at is not None


@dataclass(frozen=True)
class FaqAnswer:
    slug: str
    question: str
    answer: str
    language: str
    draft: bool
    expired: bool
    category: str = "legal"
    # A lawyer (or, for social answers, a partner) has put their name to the entry.
    reviewed: bool = False


def faq_answer(
    factory: sessionmaker[Session], slug: str, language: str, *, include_drafts: bool
) -> FaqAnswer | None:
    """The entry in ``language``, else in the first available fallback language."""
    with factory() as session:
        entry = session.scalars(
            select(FaqEntry)
            .where(FaqEntry.slug == slug)
            .options(selectinload(FaqEntry.translations))
        ).first()
        if entry is None or (entry.status != FaqStatus.PUBLISHED and not include_drafts):
            return None
        by_language = {t.language: t for t in entry.translations if shown(t, include_drafts)}
        for candidate in (language, *FALLBACK_ORDER):
            translation = by_language.get(candidate)
            if translation is not None:
                expired = entry.expires_on is not None and entry.expires_on < date.today()
                return FaqAnswer(
                    slug,
                    translation.question,
                    translation.answer,
                    candidate,
                    entry.status != FaqStatus.PUBLISHED,
                    expired,
                    entry.category,
                    entry.reviewed_at is not None,
                )
        return None


def faq_topics(
    factory: sessionmaker[Session], category: str, language: str, *, include_drafts: bool
) -> list[tuple[str, str]]:
    """(slug, question in the person's language or a fallback) of one category."""
    statuses = [FaqStatus.PUBLISHED, FaqStatus.DRAFT] if include_drafts else [FaqStatus.PUBLISHED]
    with factory() as session:
        entries = session.scalars(
            select(FaqEntry)
            .where(FaqEntry.category == category, FaqEntry.status.in_(statuses))
            .options(selectinload(FaqEntry.translations))
            .order_by(FaqEntry.id)
        ).all()
        topics = []
        for entry in entries:
            by_language = {t.language: t for t in entry.translations if shown(t, include_drafts)}
            translation = next(
                (by_language[c] for c in (language, *FALLBACK_ORDER) if c in by_language), None
            )
            if translation is not None:
                topics.append((entry.slug, translation.question))
        return topics
