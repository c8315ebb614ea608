"""FAQ matching: across languages, from the database, following coordinators' edits."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import Storage
from bot.domain import FaqStatus
from bot.seed.loader import read_seed_data, seed
from bot.services.faq import faq_documents
from bot.storage.models import FaqEntry
from bot.storage.types import utcnow
from nlu.api import FaqDocument
from nlu.builtin import BuiltinEngine
from nlu.faq import FaqIndex
from tests.conftest import REPO

DOCUMENTS = [
    FaqDocument("residence", "legal_residence", (
        "Як подати на карту побиту?", "карта побиту вніосек", "jak złożyć wniosek o kartę pobytu",
        "karta pobytu wniosek MOS")),
    FaqDocument("benefit", "social_benefits", (
        "Як отримати 800+ на дитину?", "виплата 800 плюс зус", "jak dostać 800 plus", "800+ ZUS wniosek")),
    FaqDocument("school", "social_education", (
        "Як записати дитину до школи?", "запис до школи", "jak zapisać dziecko do szkoły")),
]  # fmt: skip


def test_a_russian_question_finds_an_entry_written_in_ukrainian_and_polish() -> None:
    index = FaqIndex(DOCUMENTS)
    for text, expected in [
        ("Как подать на карту побыту?", "residence"),
        ("kak poluchit 800+ na rebenka", "benefit"),
        ("как записать ребенка в школу", "school"),
        ("how to apply for karta pobytu", "residence"),
    ]:
        match = index.match(text)
        assert match is not None and match.id == expected, (text, match)


def test_unrelated_text_matches_nothing() -> None:
    index = FaqIndex(DOCUMENTS)
    assert index.match("погода сьогодні гарна") is None
    assert index.match("") is None
    assert FaqIndex([]).match("karta pobytu") is None


def test_the_engine_matches_seeded_entries_and_follows_an_edit(
    engine: BuiltinEngine, storage: Storage, tmp_path: Path
) -> None:
    seed(storage.session_factory, read_seed_data(REPO / "data"))
    assert faq_documents(storage.session_factory, include_drafts=False) == []  # drafts only
    documents = faq_documents(storage.session_factory, include_drafts=True)
    with_faq = engine.with_faq(FaqIndex(documents))
    parse = with_faq.parse("нема де спати сьогодні, що робити")
    assert parse.faq is not None and parse.faq.id == "shelter-tonight"

    # A coordinator publishes an entry and adds a new way of asking: no retraining.
    with storage.session_factory.begin() as session:
        entry = session.scalars(
            select(FaqEntry).where(FaqEntry.slug == "polish-language-courses")
        ).one()
        entry.status = FaqStatus.PUBLISHED
        for translation in entry.translations:
            translation.published_at = utcnow()
        polish = next(t for t in entry.translations if t.language == "pl")
        polish.variants = [*polish.variants, "gdzie jest darmowy lektorat polskiego dla uchodźców"]
    published = FaqIndex(faq_documents(storage.session_factory, include_drafts=False))
    assert [d.id for d in published.documents] == ["polish-language-courses"]
    match = engine.with_faq(published).parse("gdzie jest darmowy lektorat polskiego").faq
    assert match is not None and match.id == "polish-language-courses" and match.score > 0.6
