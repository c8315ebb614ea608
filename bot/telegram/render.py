"""Replies as Telegram messages: HTML with everything escaped, split at 4096 characters."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.flows import payloads
from bot.flows.actions import Reply
from bot.services.faq_markup import to_telegram_html
from bot.text_safety import for_display

# Telegram's limit on a message's text (on callback data: bot/flows/payloads.py).
MAX_TEXT = 4096


def to_html(reply: Reply) -> str:
    """Everything escaped; in rich replies (FAQ answers, checked when saved) <b>, <i> and
    <a href> survive."""
    return (
        to_telegram_html(reply.text)
        if reply.rich
        else html.escape(for_display(reply.text), quote=False)
    )


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(choice.label, callback_data=choice.payload) for choice in row
         if len(choice.payload.encode()) <= payloads.MAX_BYTES]
        for row in reply.rows
    ]  # fmt: skip
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a line break or a space, never
    inside an HTML entity or tag."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        while cut > 0 and (text.rfind("&", 0, cut) > text.rfind(";", 0, cut)
                           or text.rfind("<", 0, cut) > text.rfind(">", 0, cut)):  # fmt: skip
            cut -= 1
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text or not pieces:
        pieces.append(text)
    return pieces


def buttons(reply: Reply) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The keyboard as (label, callback data) rows, for the outbox."""
    markup = keyboard(reply)
    if markup is None:
        return ()
    return tuple(
        tuple((b.text, str(b.callback_data)) for b in row) for row in markup.inline_keyboard
    )


def messages(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """(HTML text, keyboard) per Telegram message; the keyboard goes with the last one."""
    pieces = split(to_html(reply))
    markup = keyboard(reply)
    return [(piece, markup if i == len(pieces) - 1 else None) for i, piece in enumerate(pieces)]
