"""The staff side on Telegram: partner groups, Take and Transfer on queue cards, case
topics. What is sent to the groups (cards, topics, relays) goes out through the
outbox and bot/telegram/sender.py."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from telegram import CallbackQuery, Message, Update
from telegram.ext import ContextTypes

from bot.flows import payloads
from bot.i18n import Translator, translator
from bot.services import partners
from bot.services.results import Refused, Transferred, refusal_text
from bot.services.staff_cases import (
    case_in_topic,
    claim_case,
    close_case,
    reopen_case,
    staff_message,
    transfer_case,
)
from bot.storage.models import AuditEntry

log = logging.getLogger(__name__)


async def on_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/link CODE` posted in a partner's staff group binds it."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or chat.type == "private":
        return
    factory = context.application.bot_data["session_factory"]
    t = translator(context.application.bot_data["staff_locale"])
    code = (context.args or [""])[0]
    slug = await asyncio.to_thread(partners.link_group, factory, code, chat.id) if code else None
    if slug is None:
        await message.reply_text(
            t._("This code is not valid or has expired. Ask a coordinator for a new one.")
        )
        return
    await message.reply_text(t._("This group is now the queue of {partner}.", partner=slug))


@dataclass(frozen=True)
class _Press:
    query: CallbackQuery
    factory: sessionmaker[Session]
    t: Translator
    reference: str
    staff_id: int


async def _staff_press(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str
) -> _Press | None:
    """A button press on a queue card by registered staff of the group's partner; anyone
    else is refused with a notice, and the refusal is audited."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.from_user is None:
        return None
    factory: sessionmaker[Session] = context.application.bot_data["session_factory"]
    t = translator(context.application.bot_data["staff_locale"])
    reference = payloads.parse(query.data or "").value
    staff = await asyncio.to_thread(partners.staff_for, factory, chat.id, query.from_user.id)
    if staff is None:
        await asyncio.to_thread(_audit_refusal, factory, chat.id, query.from_user.id, reference)
        await query.answer(
            t._("Only registered staff of this organisation can take cases."), show_alert=True
        )
        return None
    return _Press(query, factory, t, reference, staff.id)


async def on_take(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    press = await _staff_press(update, context, "take:")
    if press is None:
        return
    t = press.t
    taken = await asyncio.to_thread(claim_case, press.factory, press.reference, press.staff_id)
    if isinstance(taken, Refused):
        await press.query.answer(refusal_text(taken.reason, t), show_alert=True)
    else:
        await press.query.answer(t._("You took {reference}.", reference=press.reference))


def _audit_refusal(
    factory: sessionmaker[Session], chat_id: int, user_id: int, reference: str
) -> None:
    with factory.begin() as session:
        session.add(
            AuditEntry(
                actor=f"telegram-user:{user_id}",
                action="take_refused",
                entity_type="case",
                entity_id=reference[:80],
                before=None,
                after={"chat": chat_id},
            )
        )


async def on_topic_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What staff write in a case's topic goes to the person; `/note …` stays internal."""
    message, chat = update.effective_message, update.effective_chat
    if (
        message is None
        or chat is None
        or message.from_user is None
        or message.message_thread_id is None
    ):
        return
    factory: sessionmaker[Session] = context.application.bot_data["session_factory"]
    reference = await asyncio.to_thread(case_in_topic, factory, chat.id, message.message_thread_id)
    staff = await asyncio.to_thread(partners.staff_for, factory, chat.id, message.from_user.id)
    if reference is None or staff is None:
        return  # not a case topic, or not staff: nothing is relayed
    text = message.text or message.caption or ""
    if text.startswith(("/close", "/reopen", "/transfer")):
        await _case_command(message, factory, reference, staff.id, text, context)
        return
    note = text.startswith("/note")
    if note:
        text = text.removeprefix("/note").strip()
    kind, media = None, None
    if message.photo:
        kind, media = "photo", message.photo[-1].file_id
    elif message.document:
        kind, media = "document", message.document.file_id
    relayed = await asyncio.to_thread(
        staff_message,
        factory,
        reference,
        staff.id,
        text or None,
        note=note,
        media_kind=kind,
        media_reference=media,
    )
    if isinstance(relayed, Refused):  # the group must know the person did not get it
        t = translator(context.application.bot_data["staff_locale"])
        await message.reply_text(refusal_text(relayed.reason, t))


async def _case_command(
    message: Message,
    factory: sessionmaker[Session],
    reference: str,
    staff_id: int,
    text: str,
    context: ContextTypes.DEFAULT_TYPE,
) -> None:
    t = translator(context.application.bot_data["staff_locale"])
    words = text.split(maxsplit=2)
    command = words[0].split("@")[0]
    if command == "/close":
        closed = await asyncio.to_thread(close_case, factory, reference, staff_id)
        reply = (
            refusal_text(closed.reason, t)
            if isinstance(closed, Refused)
            else t._("Case closed. The person was asked to rate the help.")
        )
    elif command == "/reopen":
        reopened = await asyncio.to_thread(reopen_case, factory, reference, staff_id)
        reply = (
            refusal_text(reopened.reason, t)
            if isinstance(reopened, Refused)
            else t._("Case reopened.")
        )
    elif len(words) < 3:
        reply = t._(
            "To pass the case on, write: /transfer PARTNER reason (for example: /transfer sip needs a lawyer for detention)"
        )
    else:
        moved = await asyncio.to_thread(
            transfer_case, factory, reference, staff_id, words[1], words[2]
        )
        reply = _transfer_reply(moved, t)
    await message.reply_text(reply)


def _transfer_reply(moved: Transferred | Refused, t: Translator) -> str:
    if isinstance(moved, Refused):
        return refusal_text(moved.reason, t)
    return t._("Case passed to {partner}.", partner=moved.partner_name)


async def on_transfer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Transfer from the queue card: staff are told how (a partner and a reason are needed)."""
    press = await _staff_press(update, context, "transfer:")
    if press is None:
        return
    hint = press.t._(
        "To pass {reference} on, write here: /transfer {reference} PARTNER reason",
        reference=press.reference,
    )
    await press.query.answer(hint, show_alert=True)


async def on_group_transfer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/transfer REF PARTNER reason` in the group, for a case not taken yet."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.from_user is None or message.message_thread_id:
        return
    factory: sessionmaker[Session] = context.application.bot_data["session_factory"]
    t = translator(context.application.bot_data["staff_locale"])
    staff = await asyncio.to_thread(partners.staff_for, factory, chat.id, message.from_user.id)
    words = (message.text or "").split(maxsplit=3)
    if staff is None:
        return
    if len(words) < 4:
        await message.reply_text(
            t._("To pass a case on, write here: /transfer REFERENCE PARTNER reason")
        )
        return
    moved = await asyncio.to_thread(transfer_case, factory, words[1], staff.id, words[2], words[3])
    await message.reply_text(_transfer_reply(moved, t))
