"""The runtime on a seeded database, and a person talking to it (tests/support/person.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.bootstrap import Storage
from bot.runtime import Conversations
from bot.settings import Settings
from bot.state.memory import MemoryStateStore
from nlu.builtin import BuiltinEngine
from nlu.faq import FaqIndex
from tests.support.person import Person


@pytest.fixture
def conversations(seeded: Storage, engine: BuiltinEngine) -> Iterator[Conversations]:
    from bot.services.faq import faq_documents

    settings = Settings(_env_file=None, faq_show_drafts=True)  # type: ignore[call-arg]
    faq_engine = engine.with_faq(
        FaqIndex(faq_documents(seeded.session_factory, include_drafts=True))
    )
    yield Conversations(settings, seeded.session_factory, MemoryStateStore(), faq_engine)


@pytest.fixture
def person(conversations: Conversations) -> Person:
    return Person(conversations, "p1")
