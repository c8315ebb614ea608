"""Coordinators editing the FAQ: drafts, publishing, "needs update", history, audit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Storage
from bot.domain import LANGUAGES, FaqStatus
from bot.seed.loader import read_seed_data
from bot.services import faq_editing
from bot.services.faq import faq_answer, faq_version
from bot.services.faq_editing import EntryFields, Text
from bot.storage.models import AuditEntry, FaqEntry, FaqRevision, FaqTranslation
from tests.conftest import REPO

SLUG = "free-legal-aid"  # legal / legal_other, source language pl
EDITOR = "coordinator@example.org"
NEW_PL = "Nowa odpowiedź: zadzwoń pod <b>22 123 45 67</b>."
NEW_UK = "Нова відповідь: телефонуйте <b>22 123 45 67</b>."


def entry_id(storage: Storage, slug: str = SLUG) -> int:
    with storage.session_factory() as session:
        return session.scalars(select(FaqEntry.id).where(FaqEntry.slug == slug)).one()


def form(storage: Storage, entry: int) -> tuple[EntryFields, dict[str, Text]]:
    """What the edit page would send back unchanged."""
    shown = faq_editing.editable(storage.session_factory, entry)
    assert shown is not None
    return shown.fields, dict(shown.texts)


def with_answer(texts: dict[str, Text], language: str, answer: str) -> dict[str, Text]:
    return {**texts, language: replace(texts[language], answer=answer)}


def save(
    storage: Storage,
    entry: int | None,
    fields: EntryFields,
    texts: dict[str, Text],
    *,
    publish: bool,
    confirmed_current: frozenset[str] = frozenset(),
) -> faq_editing.Saved:
    return faq_editing.save(
        storage.session_factory,
        entry,
        fields,
        texts,
        EDITOR,
        publish=publish,
        confirmed_current=confirmed_current,
    )


def publish_as_is(storage: Storage, entry: int) -> None:
    fields, texts = form(storage, entry)
    assert save(storage, entry, fields, texts, publish=True).problems == {}


def states(storage: Storage, entry: int) -> dict[str, tuple[str, bool]]:
    shown = faq_editing.editable(storage.session_factory, entry)
    assert shown is not None
    return {lang: (s.state, s.needs_update) for lang, s in shown.states.items()}


def live_answer(storage: Storage, language: str = "pl", *, drafts: bool = False) -> str | None:
    found = faq_answer(storage.session_factory, SLUG, language, include_drafts=drafts)
    return None if found is None else found.answer


def translations(storage: Storage, entry: int) -> dict[str, FaqTranslation]:
    with storage.session_factory() as session:
        rows = session.scalars(select(FaqTranslation).where(FaqTranslation.entry_id == entry))
        return {t.language: t for t in rows}


def audit(storage: Storage) -> list[AuditEntry]:
    with storage.session_factory() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.entity_type == "faq").order_by(AuditEntry.id)
            )
        )


def row_counts(storage: Storage) -> tuple[int, ...]:
    with storage.session_factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (FaqEntry, FaqTranslation, FaqRevision, AuditEntry)
        )


def test_the_overview_shows_every_seeded_entry_as_a_draft_in_four_languages(
    seeded: Storage,
) -> None:
    summaries = faq_editing.overview(seeded.session_factory, "uk")
    seeded_entries = read_seed_data(REPO / "data").faq.entries
    assert [s.slug for s in summaries] == sorted(e.slug for e in seeded_entries)
    for summary in summaries:
        assert not summary.published
        assert [s.language for s in summary.languages] == list(LANGUAGES)
        assert {(s.state, s.needs_update) for s in summary.languages} == {("draft", False)}
        assert summary.never_reviewed
    legal_aid = next(s for s in summaries if s.slug == SLUG)
    assert legal_aid.question == "Де знайти безкоштовного юриста?"
    assert (legal_aid.category, legal_aid.subcategory) == ("legal", "legal_other")


def test_a_draft_waits_beside_the_live_text(seeded: Storage) -> None:
    entry = entry_id(seeded)
    old = translations(seeded, entry)["pl"].answer
    fields, texts = form(seeded, entry)

    saved = save(seeded, entry, fields, with_answer(texts, "pl", NEW_PL), publish=False)
    assert saved == faq_editing.Saved(entry, {})
    assert live_answer(seeded, drafts=True) == old  # the demo shows live text, not drafts
    stored = translations(seeded, entry)["pl"]
    assert stored.answer == old and stored.published_at is None
    assert stored.draft is not None and stored.draft["answer"] == NEW_PL
    shown = faq_editing.editable(seeded.session_factory, entry)
    assert shown is not None and shown.texts["pl"].answer == NEW_PL
    assert shown.texts["uk"] == texts["uk"]

    # On a published entry too: people keep seeing the published words.
    publish_as_is(seeded, entry)  # the form shows the draft: publishing it makes it live
    assert live_answer(seeded) == NEW_PL
    fields, texts = form(seeded, entry)
    save(seeded, entry, fields, with_answer(texts, "pl", "Jeszcze inna wersja."), publish=False)
    assert live_answer(seeded) == NEW_PL
    assert states(seeded, entry)["pl"] == ("changed", False)
    assert states(seeded, entry)["uk"][0] == "published"


def test_saving_the_live_text_as_a_draft_leaves_no_draft(seeded: Storage) -> None:
    entry = entry_id(seeded)
    fields, texts = form(seeded, entry)
    save(seeded, entry, fields, with_answer(texts, "pl", NEW_PL), publish=False)
    save(seeded, entry, fields, texts, publish=False)  # back to the live words
    assert all(t.draft is None for t in translations(seeded, entry).values())


def test_publishing_makes_the_new_text_live(seeded: Storage) -> None:
    entry = entry_id(seeded)
    fields, texts = form(seeded, entry)
    assert live_answer(seeded) is None  # a seeded draft: not shown to people

    saved = save(seeded, entry, fields, with_answer(texts, "pl", NEW_PL), publish=True)
    assert saved.problems == {}
    found = faq_answer(seeded.session_factory, SLUG, "pl", include_drafts=False)
    assert found is not None and found.answer == NEW_PL and not found.draft
    assert live_answer(seeded, "uk") == texts["uk"].answer
    stored = translations(seeded, entry)
    assert all(t.published_at is not None and t.draft is None for t in stored.values())
    summary = next(s for s in faq_editing.overview(seeded.session_factory, "pl") if s.id == entry)
    assert summary.published
    assert states(seeded, entry)["pl"] == ("published", False)
    with seeded.session_factory() as session:
        assert session.get(FaqEntry, entry).status == FaqStatus.PUBLISHED  # type: ignore[union-attr]


def test_a_changed_source_text_marks_the_translations_until_they_are_updated(
    seeded: Storage,
) -> None:
    entry = entry_id(seeded)
    publish_as_is(seeded, entry)
    assert {needs for _, needs in states(seeded, entry).values()} == {False}

    fields, texts = form(seeded, entry)
    assert fields.source_language == "pl"
    save(seeded, entry, fields, with_answer(texts, "pl", NEW_PL), publish=True)
    assert states(seeded, entry) == {
        "pl": ("published", False),
        "uk": ("published", True),
        "ru": ("published", True),
        "en": ("published", True),
    }

    fields, texts = form(seeded, entry)
    save(seeded, entry, fields, with_answer(texts, "uk", NEW_UK), publish=True)
    assert live_answer(seeded, "uk") == NEW_UK
    assert {lang: needs for lang, (_, needs) in states(seeded, entry).items()} == {
        "pl": False,
        "uk": False,
        "ru": True,
        "en": True,
    }

    # Russian still says the same as the new Polish: the editor confirms it, words unchanged.
    fields, texts = form(seeded, entry)
    ru_before = translations(seeded, entry)["ru"].answer
    save(seeded, entry, fields, texts, publish=True, confirmed_current=frozenset({"ru"}))
    assert translations(seeded, entry)["ru"].answer == ru_before
    assert {lang: needs for lang, (_, needs) in states(seeded, entry).items()} == {
        "pl": False,
        "uk": False,
        "ru": False,
        "en": True,
    }


def test_a_draft_of_the_source_text_marks_nothing(seeded: Storage) -> None:
    entry = entry_id(seeded)
    publish_as_is(seeded, entry)
    fields, texts = form(seeded, entry)
    save(seeded, entry, fields, with_answer(texts, "pl", NEW_PL), publish=False)
    assert {needs for _, needs in states(seeded, entry).values()} == {False}


@pytest.mark.parametrize(
    ("new", "change", "field", "code"),
    [
        (True, {"slug": "Bad Slug!"}, "slug", "bad_slug"),
        (True, {"slug": "ab"}, "slug", "bad_slug"),
        (False, {"category": "medical"}, "category", "bad_choice"),
        (False, {"subcategory": "social_housing"}, "subcategory", "bad_choice"),
        (False, {"source_language": "de"}, "source_language", "bad_choice"),
        (False, {"reviewed_by": "x" * 121}, "reviewed_by", "too_long"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(
    seeded: Storage, new: bool, change: dict[str, Any], field: str, code: str
) -> None:
    entry = entry_id(seeded)
    fields, texts = form(seeded, entry)
    before = row_counts(seeded)
    saved = save(seeded, None if new else entry, replace(fields, **change), texts, publish=True)
    assert field in saved.problems and [p.code for p in saved.problems[field]] == [code]
    assert row_counts(seeded) == before
    assert live_answer(seeded) is None  # still an unpublished draft


def test_a_slug_in_use_is_taken(seeded: Storage) -> None:
    entry = entry_id(seeded)
    fields, texts = form(seeded, entry)
    before = row_counts(seeded)
    saved = save(seeded, None, fields, texts, publish=False)
    assert saved.entry_id is None
    assert [(p.code, p.detail) for p in saved.problems["slug"]] == [("taken", SLUG)]
    assert row_counts(seeded) == before


def test_markup_problems_are_reported_per_language_and_nothing_is_written(
    seeded: Storage,
) -> None:
    entry = entry_id(seeded)
    fields, texts = form(seeded, entry)
    texts = with_answer(texts, "uk", "Рядок\n<script>alert(1)</script>")
    texts = with_answer(texts, "en", "<b>never closed")
    texts["ru"] = replace(texts["ru"], question="", variants=("ok", "x" * 301))
    before = row_counts(seeded)
    stored = translations(seeded, entry)

    saved = save(seeded, entry, fields, texts, publish=True)
    assert set(saved.problems) == {"answer_uk", "answer_en", "question_ru", "variants_ru"}
    assert [(p.code, p.line) for p in saved.problems["answer_uk"]] == [
        ("unknown_tag", 2),
        ("unknown_tag", 2),
    ]
    assert [p.code for p in saved.problems["answer_en"]] == ["unclosed_tag"]
    assert [p.code for p in saved.problems["question_ru"]] == ["empty"]
    assert [(p.code, p.line) for p in saved.problems["variants_ru"]] == [("too_long", 2)]
    assert row_counts(seeded) == before
    after = translations(seeded, entry)
    for language in LANGUAGES:
        assert (after[language].answer, after[language].draft) == (
            stored[language].answer,
            stored[language].draft,
        )
        assert after[language].published_at is None


def test_too_many_variants_and_no_text_at_all_are_refused(seeded: Storage) -> None:
    entry = entry_id(seeded)
    fields, texts = form(seeded, entry)
    many = {**texts, "en": replace(texts["en"], variants=tuple(f"way {i}" for i in range(41)))}
    assert [
        p.code for p in save(seeded, entry, fields, many, publish=False).problems["variants_en"]
    ] == ["too_many"]
    nothing = {lang: Text("", (), "") for lang in LANGUAGES}
    assert [
        p.code for p in save(seeded, entry, fields, nothing, publish=False).problems["answer_pl"]
    ] == ["empty"]


def test_a_new_entry_is_created_as_a_draft_with_only_its_languages(seeded: Storage) -> None:
    fields = EntryFields("bank-account-opening", "social", "social_benefits")
    texts = {
        "pl": Text("Jak otworzyć konto w banku?", ("konto bankowe",), "Z paszportem."),
        "uk": Text("Як відкрити рахунок у банку?", ("рахунок у банку",), "З паспортом."),
    }
    saved = save(seeded, None, fields, texts, publish=False)
    assert saved.problems == {} and saved.entry_id is not None
    assert states(seeded, saved.entry_id) == {
        "pl": ("draft", False),
        "uk": ("draft", False),
        "ru": ("missing", False),
        "en": ("missing", False),
    }
    shown = faq_editing.editable(seeded.session_factory, saved.entry_id)
    assert shown is not None and shown.texts == texts and not shown.published
    found = faq_answer(seeded.session_factory, "bank-account-opening", "pl", include_drafts=True)
    assert found is None  # only a draft of words: nothing live yet

    assert save(seeded, saved.entry_id, fields, texts, publish=True).problems == {}
    found = faq_answer(seeded.session_factory, "bank-account-opening", "ru", include_drafts=False)
    assert found is not None and (found.language, found.answer) == ("pl", "Z paszportem.")


def test_revisions_are_listed_newest_first_and_revert_restores_a_draft(seeded: Storage) -> None:
    entry = entry_id(seeded)
    seeded_pl = translations(seeded, entry)["pl"].answer
    history = faq_editing.revisions(seeded.session_factory, entry)
    assert sorted(r.language for r in history) == sorted(LANGUAGES)
    assert {(r.action, r.author) for r in history} == {("seeded", "seed")}

    fields, texts = form(seeded, entry)
    save(seeded, entry, fields, with_answer(texts, "pl", "Wersja robocza."), publish=False)
    save(seeded, entry, fields, with_answer(texts, "pl", NEW_PL), publish=True)
    history = faq_editing.revisions(seeded.session_factory, entry)
    assert [r.id for r in history] == sorted((r.id for r in history), reverse=True)
    assert [(r.language, r.action, r.text.answer) for r in history[:2]] == [
        ("pl", "published", NEW_PL),
        ("pl", "draft", "Wersja robocza."),
    ]
    assert history[0].author == EDITOR and len(history) == 6  # unchanged languages: no rows

    original = next(r for r in history if r.language == "pl" and r.action == "seeded")
    assert faq_editing.revert(seeded.session_factory, entry, original.id, EDITOR)
    assert live_answer(seeded) == NEW_PL  # live until published
    assert translations(seeded, entry)["pl"].draft["answer"] == seeded_pl  # type: ignore[index]
    assert states(seeded, entry)["pl"] == ("changed", False)
    latest = faq_editing.revisions(seeded.session_factory, entry)[0]
    assert (latest.action, latest.language, latest.text.answer) == ("reverted", "pl", seeded_pl)

    publish_as_is(seeded, entry)
    assert live_answer(seeded) == seeded_pl
    assert translations(seeded, entry)["pl"].draft is None


def test_revert_refuses_a_revision_of_another_entry(seeded: Storage) -> None:
    entry, other = entry_id(seeded), entry_id(seeded, "shelter-tonight")
    foreign = faq_editing.revisions(seeded.session_factory, other)[0]
    before = row_counts(seeded)
    assert not faq_editing.revert(seeded.session_factory, entry, foreign.id, EDITOR)
    assert not faq_editing.revert(seeded.session_factory, entry, 10**9, EDITOR)
    assert row_counts(seeded) == before


def test_unpublishing_takes_the_entry_off_the_bot(seeded: Storage) -> None:
    entry = entry_id(seeded)
    assert not faq_editing.unpublish(seeded.session_factory, entry, EDITOR)  # not published
    publish_as_is(seeded, entry)
    assert live_answer(seeded) is not None

    assert faq_editing.unpublish(seeded.session_factory, entry, EDITOR)
    assert live_answer(seeded) is None
    assert {state for state, _ in states(seeded, entry).values()} == {"draft"}
    assert not faq_editing.unpublish(seeded.session_factory, entry, EDITOR)
    last = audit(seeded)[-1]
    assert (last.action, last.actor, last.entity_id) == ("faq_unpublished", EDITOR, SLUG)
    assert (last.before, last.after) == ({"status": "published"}, {"status": "draft"})


def test_every_save_is_audited_with_the_text_before_and_after(seeded: Storage) -> None:
    entry = entry_id(seeded)
    old = translations(seeded, entry)["pl"].answer
    fields, texts = form(seeded, entry)
    assert audit(seeded) == []

    save(seeded, entry, fields, with_answer(texts, "pl", "Wersja robocza."), publish=False)
    save(seeded, entry, fields, with_answer(texts, "pl", NEW_PL), publish=True)
    save(seeded, entry, fields, with_answer(texts, "pl", NEW_PL), publish=True)  # no change
    entries = audit(seeded)
    assert [(a.action, a.actor, a.entity_id) for a in entries] == [
        ("faq_draft_saved", EDITOR, SLUG),
        ("faq_published", EDITOR, SLUG),
        ("faq_published", EDITOR, SLUG),
    ]
    draft, published, again = entries
    assert draft.before is not None and draft.after is not None
    assert draft.before["texts"]["pl"] == {**texts["pl"].as_dict(), "draft": None}
    assert draft.after["texts"]["pl"]["answer"] == old
    assert draft.after["texts"]["pl"]["draft"]["answer"] == "Wersja robocza."
    assert (draft.before["status"], draft.after["status"]) == ("draft", "draft")

    assert published.before is not None and published.after is not None
    assert published.before["texts"]["pl"]["draft"]["answer"] == "Wersja robocza."
    assert published.before["texts"]["pl"]["answer"] == old
    assert published.after["texts"]["pl"] == {
        **texts["pl"].as_dict(),
        "answer": NEW_PL,
        "draft": None,
    }
    assert (published.before["status"], published.after["status"]) == ("draft", "published")
    assert published.after["texts"]["uk"]["answer"] == texts["uk"].answer
    assert again.before == again.after


def test_the_faq_version_changes_when_something_is_published(seeded: Storage) -> None:
    factory = seeded.session_factory
    entry = entry_id(seeded)
    first = faq_version(factory)
    assert faq_version(factory) == first  # stable while nothing changes
    faq_editing.overview(factory, "pl")
    assert faq_version(factory) == first

    publish_as_is(seeded, entry)
    published = faq_version(factory)
    assert published != first

    faq_editing.unpublish(factory, entry, EDITOR)
    assert faq_version(factory) not in (first, published)
