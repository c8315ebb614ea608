"""The running bot's FAQ index follows what coordinators publish, without a restart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import Storage
from bot.nlu_setup import FaqFollowingEngine, build_engine
from bot.seed.loader import read_seed_data, seed
from bot.services import faq_editing
from bot.settings import NluBackend, Settings
from bot.storage.models import FaqEntry
from tests.conftest import REPO

SLUG = "polish-language-courses"
EXISTING = "darmowy kurs polskiego"  # one of the entry's seeded ways of asking
NEW_WAY = "wieczorowa szkoła gramatyki polskiej przy parafii"  # in no seeded entry


@pytest.fixture
def seeded(storage: Storage) -> Storage:
    seed(storage.session_factory, read_seed_data(REPO / "data"))
    return storage


def settings_for(model_path: Path, *, show_drafts: bool = False) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        nlu_model_path=model_path,
        nlu_backend=NluBackend.BUILTIN,
        faq_show_drafts=show_drafts,
    )


def following(
    model_path: Path, storage: Storage, *, show_drafts: bool = False
) -> FaqFollowingEngine:
    engine = build_engine(settings_for(model_path, show_drafts=show_drafts), storage)
    assert isinstance(engine, FaqFollowingEngine)
    engine.CHECK_SECONDS = 0  # look at the database on every parse: no sleeping
    return engine


def matched(engine: FaqFollowingEngine, text: str) -> str | None:
    parse = engine.parse(text, lang_hint="pl")
    return None if parse.faq is None else parse.faq.id


def entry_id(storage: Storage) -> int:
    with storage.session_factory() as session:
        return session.scalars(select(FaqEntry.id).where(FaqEntry.slug == SLUG)).one()


def save_with_new_way(storage: Storage, *, publish: bool) -> None:
    entry = entry_id(storage)
    shown = faq_editing.editable(storage.session_factory, entry)
    assert shown is not None
    texts = dict(shown.texts)
    assert NEW_WAY not in texts["pl"].variants
    texts["pl"] = replace(texts["pl"], variants=(*texts["pl"].variants, NEW_WAY))
    saved = faq_editing.save(
        storage.session_factory, entry, shown.fields, texts, "coordinator", publish=publish
    )
    assert saved.problems == {}


def publish_as_is(storage: Storage) -> None:
    entry = entry_id(storage)
    shown = faq_editing.editable(storage.session_factory, entry)
    assert shown is not None
    saved = faq_editing.save(
        storage.session_factory, entry, shown.fields, dict(shown.texts), "coordinator", publish=True
    )
    assert saved.problems == {}


def test_a_published_new_way_of_asking_is_matched_without_a_restart(
    seeded: Storage, model_path: Path
) -> None:
    engine = following(model_path, seeded)
    assert matched(engine, EXISTING) is None  # the seeded entries are drafts: no FAQ yet

    publish_as_is(seeded)
    assert matched(engine, EXISTING) == SLUG
    assert matched(engine, NEW_WAY) != SLUG  # the entry is live, but not this wording

    save_with_new_way(seeded, publish=False)  # a draft reaches no one
    assert matched(engine, NEW_WAY) != SLUG

    version = engine.version
    publish_as_is(seeded)  # the form shows the pending draft, with the new way
    parse = engine.parse(NEW_WAY, lang_hint="pl")
    assert parse.faq is not None and parse.faq.id == SLUG and parse.faq.score > 0.9
    assert engine.version != version


def test_the_database_is_checked_at_most_every_check_seconds(
    seeded: Storage, model_path: Path
) -> None:
    engine = following(model_path, seeded)
    engine.CHECK_SECONDS = 3600
    publish_as_is(seeded)
    assert matched(engine, EXISTING) is None  # checked a moment ago: the old index
    engine.CHECK_SECONDS = 0
    assert matched(engine, EXISTING) == SLUG


def test_unpublishing_takes_the_entry_out_of_the_running_index(
    seeded: Storage, model_path: Path
) -> None:
    engine = following(model_path, seeded)
    save_with_new_way(seeded, publish=True)
    assert matched(engine, NEW_WAY) == SLUG
    assert faq_editing.unpublish(seeded.session_factory, entry_id(seeded), "coordinator")
    assert matched(engine, NEW_WAY) is None


def test_in_the_demo_drafts_are_matched_and_follow_edits_too(
    seeded: Storage, model_path: Path
) -> None:
    engine = following(model_path, seeded, show_drafts=True)
    assert matched(engine, EXISTING) == SLUG  # a seeded draft, shown in the demo
    assert matched(engine, NEW_WAY) != SLUG
    save_with_new_way(seeded, publish=True)
    assert matched(engine, NEW_WAY) == SLUG
