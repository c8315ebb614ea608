"""A person talking to Razem through the real runtime (bot/runtime.py): NLU, flows,
services, storage. Used by the conversation tests and the console's browser tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.domain import Channel
from bot.flows import events as e
from bot.flows.actions import Choice, Reply
from bot.runtime import Conversations


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
