"""FAQ entries as the NLU's matcher and the conversation read them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.domain import FaqStatus
from bot.storage.models import FaqEntry
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
                    for text in (translation.question, *translation.variants)
                ),
            )
            for entry in entries
        ]
