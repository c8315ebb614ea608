"""A person talking to the pure step function: no database, no NLU model, no runtime.

The test plays both the person (commands, buttons, words with a fixed understanding)
and the runtime (feeding back what an effect produced, e.g. CaseCreated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.flows.actions import Action, Reply
from bot.flows.conversation import step
from bot.flows.events import Button, Command, Event, Text
from bot.flows.state import State
from bot.i18n import LOCALES, translator
from tests.support.parses import parse


@dataclass
class Chat:
    """One chat: the state between steps and what the last step answered."""

    lang: str
    state: State = field(default_factory=State)
    actions: list[Action] = field(default_factory=list)

    def send(self, event: Event) -> list[Action]:
        before = self.state
        self.actions, self.state = step(self.state, event)
        assert before is not self.state, "step must return a new state, not change the old"
        return self.actions

    def command(self, name: str) -> list[Action]:
        return self.send(Command(name, self.lang))

    def press(self, payload: str) -> list[Action]:
        return self.send(Button(payload, self.lang))

    def says(self, text: str, **understood: Any) -> list[Action]:
        """Writes ``text``, understood as ``understood`` (see tests.support.parses.parse);
        the language is the person's unless given."""
        understood.setdefault("language", self.lang)
        return self.send(Text(text, parse(text, **understood), self.lang))

    @property
    def replies(self) -> list[Reply]:
        return [action for action in self.actions if isinstance(action, Reply)]

    @property
    def effects(self) -> list[Action]:
        return [action for action in self.actions if not isinstance(action, Reply)]

    @property
    def buttons(self) -> list[str]:
        return [choice.payload for reply in self.replies for row in reply.rows for choice in row]

    def text(self) -> str:
        return "\n".join(reply.text for reply in self.replies)


def says_in(lang: str, text: str, msgid: str) -> None:
    """``text`` holds the catalog's ``lang`` translation of ``msgid``, and no other
    language's (where the translations differ): the person reads their own language."""
    own = translator(lang)._(msgid)
    assert own in text, f"{lang!r} translation of {msgid!r} missing from {text!r}"
    for other in LOCALES:
        foreign = translator(other)._(msgid)
        if other != lang and foreign != own:
            assert foreign not in text, f"{other!r} text in a {lang!r} conversation: {text!r}"


@pytest.fixture(params=LOCALES)
def chat(request: pytest.FixtureRequest) -> Chat:
    """A person who has never written, in each of the four languages."""
    return Chat(request.param)
