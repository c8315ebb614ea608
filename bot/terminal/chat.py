"""`razem chat`: one simulated person talking to Razem in the terminal.

Buttons are shown as numbered choices; typing a number presses one, anything
starting with / is a command, anything else is a message. When standard input
is not a terminal, each input line is echoed, so a piped script reads as a
transcript.
"""

from __future__ import annotations

import asyncio
import re
from typing import TextIO

from bot.domain import Channel
from bot.flows import events as e
from bot.flows.actions import Choice, Reply
from bot.runtime import Conversations

PROMPT = "> "
_FORMATTING = re.compile(r"</?(b|i)>|<a href=\"[^\"]*\">|</a>")


def render(replies: list[Reply]) -> tuple[str, list[Choice]]:
    """The text a person sees, and the buttons in the order they are numbered."""
    lines: list[str] = []
    choices: list[Choice] = []
    for reply in replies:
        text = _FORMATTING.sub("", reply.text) if reply.rich else reply.text
        if reply.emergency:
            lines.append("!!! " + text.replace("\n", "\n!!! "))
        else:
            lines.append(text)
        for row in reply.rows:
            cells = []
            for choice in row:
                choices.append(choice)
                cells.append(f"[{len(choices)}] {choice.label}")
            lines.append("  ".join(cells))
        lines.append("")
    return "\n".join(lines), choices


async def run_chat(
    conversations: Conversations,
    chat_id: str,
    source: TextIO,
    sink: TextIO,
    language_code: str | None = None,
) -> None:
    interactive = source.isatty()
    choices: list[Choice] = []
    replies = await conversations.on_event(
        Channel.TERMINAL, chat_id, e.Command("start", language_code)
    )
    text, choices = render(replies)
    sink.write(text + "\n")
    while True:
        if interactive:
            sink.write(PROMPT)
            sink.flush()
        line = await asyncio.to_thread(source.readline)
        if not line:
            break
        line = line.rstrip("\r\n")
        if not interactive:
            sink.write(f"{PROMPT}{line}\n")
        replies = await _answer(conversations, chat_id, line, choices, language_code)
        text, new_choices = render(replies)
        if new_choices:
            choices = new_choices
        sink.write(text + "\n")
        sink.flush()


async def _answer(
    conversations: Conversations,
    chat_id: str,
    line: str,
    choices: list[Choice],
    language_code: str | None,
) -> list[Reply]:
    stripped = line.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
        event: e.Event = e.Button(choices[int(stripped) - 1].payload, language_code)
        return await conversations.on_event(Channel.TERMINAL, chat_id, event)
    if stripped.startswith("/") and len(stripped) > 1 and " " not in stripped:
        return await conversations.on_event(
            Channel.TERMINAL, chat_id, e.Command(stripped[1:], language_code)
        )
    return await conversations.on_text(Channel.TERMINAL, chat_id, line, language_code)
