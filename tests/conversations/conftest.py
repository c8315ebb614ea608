"""A person talking to Razem through the real runtime: NLU, flows, services, storage."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from bot.bootstrap import Storage
from bot.domain import Channel
from bot.flows import events as e
from bot.flows.actions import Choice, Reply
from bot.runtime import Conversations
from bot.seed.loader import read_seed_data, seed
from bot.settings import Settings
from bot.state.memory import MemoryStateStore
from nlu.builtin import BuiltinEngine
from nlu.faq import FaqIndex
from tests.conftest import REPO
from tests.nlu.conftest import engine, model_path  # noqa: F401 - shared fixtures


@dataclass
class Person:
    """Drives one chat the way a person would: writes, presses buttons, types commands."""

    conversations: Conversations
    chat_id: str
    language_code: str | None = None
    seen: list[Reply] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)

    def _execute(self, coroutine):  # type: ignore[no-untyped-def]
        return asyncio.run(coroutine)

    def _run(self, coroutine) -> list[Reply]:  # type: ignore[no-untyped-def]
        replies: list[Reply] = self._execute(coroutine)
        self.seen.extend(replies)
        buttons = [choice for reply in replies for row in reply.rows for choice in row]
        if buttons:
            self.choices = buttons
        return replies

    def says(self, text: str) -> list[Reply]:
        return self._run(
            self.conversations.on_text(Channel.TERMINAL, self.chat_id, text, self.language_code)
        )

    def command(self, name: str) -> list[Reply]:
        return self._run(
            self.conversations.on_event(
                Channel.TERMINAL, self.chat_id, e.Command(name, self.language_code)
            )
        )

    def press(self, payload: str) -> list[Reply]:
        """Press the visible button with this payload (or payload prefix)."""
        matches = [c for c in self.choices if c.payload == payload or c.payload.startswith(payload)]
        assert matches, f"no button {payload!r} among {[c.payload for c in self.choices]}"
        return self.press_stale(matches[0].payload)

    def visible(self, payload: str) -> bool:
        return any(c.payload == payload for c in self.choices)

    def agree_it_is_right(self) -> list[Reply]:
        """After consent: an FAQ answer may come first (then: "No, talk to someone"),
        otherwise the "This sounds like …, is that right?" question."""
        if self.visible("helped:no"):
            return self.press("helped:no")
        return self.press("confirm:yes")

    def press_stale(self, payload: str) -> list[Reply]:
        """Press a button by payload even if it is not on screen (an old message)."""
        return self._run(
            self.conversations.on_event(
                Channel.TERMINAL, self.chat_id, e.Button(payload, self.language_code)
            )
        )

    def text(self, replies: list[Reply] | None = None) -> str:
        return "\n".join(r.text for r in (self.seen if replies is None else replies))


@pytest.fixture
def seeded(storage: Storage) -> Storage:
    seed(storage.session_factory, read_seed_data(REPO / "data"))
    return storage


@pytest.fixture
def conversations(seeded: Storage, engine: BuiltinEngine) -> Iterator[Conversations]:  # noqa: F811
    from bot.services.faq import faq_documents

    settings = Settings(_env_file=None, faq_show_drafts=True)  # type: ignore[call-arg]
    faq_engine = engine.with_faq(
        FaqIndex(faq_documents(seeded.session_factory, include_drafts=True))
    )
    yield Conversations(settings, seeded.session_factory, MemoryStateStore(), faq_engine)


@pytest.fixture
def person(conversations: Conversations) -> Person:
    return Person(conversations, "p1")
