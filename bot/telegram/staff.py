"""The staff side on Telegram: partner groups, queue cards, Take.

Cards are pseudonymous: reference, category, language, city and the person's own
words (escaped) — never their name, @username or Telegram id.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.domain import CaseStatus, MessageDirection
from bot.i18n import Translator, translator
from bot.outbox.dispatcher import Dead, Delivered, Outcome, Outgoing, RetryLater
from bot.outbox.store import enqueue
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
from bot.storage.models import AuditEntry, Case, Client, Partner, StaffMember
from bot.telegram.render import MAX_TEXT, split

log = logging.getLogger(__name__)
PARTNER_PREFIX = "partner:"
WORDS_SHOWN = 1500


def outcome_of(error: TelegramError) -> Outcome:
    """The one place that turns Telegram errors into delivery outcomes."""
    if isinstance(error, RetryAfter):
        seconds = error.retry_after
        return RetryLater(
            float(seconds.total_seconds() if hasattr(seconds, "total_seconds") else seconds), "429"
        )
    if isinstance(error, TimedOut | NetworkError) and not isinstance(error, BadRequest):
        return RetryLater(None, str(error))
    if isinstance(error, Forbidden):
        return Dead(f"forbidden: {error}")
    return Dead(f"bad request: {error}")


class TelegramSender:
    def __init__(self, bot: Bot, factory: sessionmaker[Session], staff_locale: str) -> None:
        self.bot = bot
        self.factory = factory
        self.staff_locale = staff_locale

    async def send(self, message: Outgoing) -> Outcome:
        try:
            if message.kind == "case_topic":
                return await self._topic(message)
            if message.kind == "to_topic":
                return await self._to_topic(message)
            if message.kind == "to_client":
                return await self._to_client(message)
        except TelegramError as error:
            return outcome_of(error)
        if message.kind == "notice":
            return await self._notice(message)
        if message.kind in ("reminder", "escalation"):
            return await self._reminder(message)
        if message.kind != "case_card":
            return Dead(f"unknown kind {message.kind}")
        card = await asyncio.to_thread(self._card, message)
        if card is None:
            return RetryLater(300, "the partner's group is not linked yet")
        chat_id, text, markup, existing = card
        try:
            if existing:
                try:
                    await self.bot.edit_message_text(
                        text, chat_id, existing, parse_mode=ParseMode.HTML, reply_markup=markup
                    )
                except BadRequest as error:
                    if "not modified" not in str(error).lower():
                        raise
                return Delivered(str(existing))
            sent = await self.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except TelegramError as error:
            return outcome_of(error)
        await asyncio.to_thread(self._remember_card, message.payload["reference"], sent.message_id)
        return Delivered(str(sent.message_id))

    def _card(
        self, message: Outgoing
    ) -> tuple[int, str, InlineKeyboardMarkup | None, int | None] | None:
        slug = message.chat.removeprefix(PARTNER_PREFIX)
        with self.factory() as session:
            partner = session.scalars(select(Partner).where(Partner.slug == slug)).first()
            case = session.scalars(
                select(Case).where(Case.reference == message.payload["reference"])
            ).first()
            if partner is None or partner.telegram_chat_id is None or case is None:
                return None
            assignee = session.get(StaffMember, case.assignee_id) if case.assignee_id else None
            t = translator(self.staff_locale)
            kind = f"{case.category} / {case.subcategory or '-'}"
            head = f"{case.reference} · {kind} · {case.language} · {case.city}"
            lines = [("‼️ " + t._("URGENT") + " · " if case.urgent else "") + head]
            words = (case.summary or "").strip()
            if words:
                lines += [
                    "",
                    "«"
                    + html.escape(words[:WORDS_SHOWN])
                    + ("…" if len(words) > WORDS_SHOWN else "")
                    + "»",
                ]
            if case.status == CaseStatus.CLAIMED and assignee is not None:
                lines += ["", t._("Taken by {name}", name=html.escape(assignee.display_name))]
            elif case.status == CaseStatus.NEW:
                lines += ["", t._("Waiting for someone to take it")]
            else:
                lines += ["", case.status.value]
            markup = None
            if case.status == CaseStatus.NEW:
                markup = InlineKeyboardMarkup(
                    [
                        [
                            InlineKeyboardButton(
                                t._("Take"), callback_data=f"take:{case.reference}"
                            ),
                            InlineKeyboardButton(
                                t._("Transfer"), callback_data=f"transfer:{case.reference}"
                            ),
                        ]
                    ]
                )
            return (
                partner.telegram_chat_id,
                "\n".join(lines)[:MAX_TEXT],
                markup,
                case.card_message_id,
            )

    async def _topic(self, message: Outgoing) -> Outcome:
        """Create the case's forum topic (once) and post the history into it."""
        found = await asyncio.to_thread(self._case_view, message)
        if found is None:
            return RetryLater(300, "the partner's group is not linked yet")
        chat_id, case, history = found
        topic_id = case.telegram_topic_id
        if topic_id is None:
            name = f"{case.reference} · {case.category} · {case.language} · {case.city}"
            topic = await self.bot.create_forum_topic(chat_id, name[:128])
            topic_id = topic.message_thread_id
            await asyncio.to_thread(self._remember_topic, case.reference, topic_id)
        t = translator(self.staff_locale)
        text = (
            t._("Case {reference}: history", reference=case.reference)
            + "\n\n"
            + "\n\n".join(history)
        )
        for piece in split(text):
            await self.bot.send_message(
                chat_id, piece, parse_mode=ParseMode.HTML, message_thread_id=topic_id
            )
        return Delivered(str(topic_id))

    async def _to_topic(self, message: Outgoing) -> Outcome:
        found = await asyncio.to_thread(self._case_view, message)
        if found is None:
            return RetryLater(300, "the partner's group is not linked yet")
        chat_id, case, _ = found
        if case.telegram_topic_id is None:
            return RetryLater(30, "the case's topic is not created yet")
        payload = message.payload
        author = payload.get("author")
        if author:  # written in the web console by staff: shown so the group sees it too
            mark = "📝" if payload.get("note") else "💬"
            text = f"{mark} <b>{html.escape(author)}</b>: " + html.escape(payload.get("text") or "")
        else:
            text = "👤 " + html.escape(payload.get("text") or "")
        kind, reference = payload.get("media_kind"), payload.get("media_reference")
        sent = await self._send_any(chat_id, text, kind, reference, case.telegram_topic_id)
        return Delivered(str(sent))

    async def _to_client(self, message: Outgoing) -> Outcome:
        payload = message.payload
        language = await asyncio.to_thread(self._client_language, message.chat)
        t = translator(language)
        if payload.get("notice"):
            return await self._notice_to_client(message, t)
        header = t._("{partner} writes:", partner=payload.get("partner", ""))
        text = html.escape(header) + "\n" + html.escape(payload.get("text") or "")
        try:
            sent = await self._send_any(
                int(message.chat),
                text,
                payload.get("media_kind"),
                payload.get("media_reference"),
                None,
            )
        except Forbidden:
            await asyncio.to_thread(self._person_unreachable, payload["reference"])
            return Dead("the person blocked the bot")
        return Delivered(str(sent))

    async def _notice_to_client(self, message: Outgoing, t: Translator) -> Outcome:
        payload, reference = message.payload, message.payload["reference"]
        markup = None
        if payload["notice"] == "closed":
            text = t._(
                "Your request {reference} is closed. How would you rate the help you got? 1 is bad, 5 is very good.",
                reference=reference,
            )
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(str(n), callback_data=f"rate:{reference}:{n}")
                        for n in range(1, 6)
                    ]
                ]
            )
        elif payload["notice"] == "reopened":
            text = t._(
                "Your request {reference} has been opened again. The organisation will write to you here.",
                reference=reference,
            )
        else:
            text = t._(
                "Your request {reference} has been passed to {partner}, who can help you better. They will write to you here.",
                reference=reference,
                partner=payload.get("partner", ""),
            )
        try:
            sent = await self.bot.send_message(
                int(message.chat), html.escape(text), parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except Forbidden:
            return Dead("the person blocked the bot")
        return Delivered(str(sent.message_id))

    async def _send_any(
        self, chat_id: int, text: str, kind: str | None, reference: str | None, topic: int | None
    ) -> int:
        # Each kind of file id is accepted only by its own method (a voice by sendVoice).
        file_senders: dict[str, Callable[..., Awaitable[Message]]] = {
            "photo": self.bot.send_photo,
            "voice": self.bot.send_voice,
            "document": self.bot.send_document,
        }
        send_file = file_senders.get(kind or "") if reference else None
        if send_file is not None:
            sent = await send_file(
                chat_id,
                reference,
                caption=text[:1024],
                parse_mode=ParseMode.HTML,
                message_thread_id=topic,
            )
        else:
            if kind == "location" and reference:
                text += f"\n📍 {html.escape(reference)}"
            pieces = split(text)
            for piece in pieces[:-1]:
                await self.bot.send_message(
                    chat_id, piece, parse_mode=ParseMode.HTML, message_thread_id=topic
                )
            sent = await self.bot.send_message(
                chat_id, pieces[-1], parse_mode=ParseMode.HTML, message_thread_id=topic
            )
        return int(sent.message_id)

    def _case_view(self, message: Outgoing) -> tuple[int, Case, list[str]] | None:
        slug = message.chat.removeprefix(PARTNER_PREFIX)
        with self.factory() as session:
            partner = session.scalars(select(Partner).where(Partner.slug == slug)).first()
            case = session.scalars(
                select(Case).where(Case.reference == message.payload["reference"])
            ).first()
            if partner is None or partner.telegram_chat_id is None or case is None:
                return None
            history = [
                ("👤 " if m.direction == MessageDirection.FROM_CLIENT else "🏢 ")
                + html.escape(m.text or "")
                + (f" [{m.media_kind}]" if m.media_kind else "")
                for m in case.messages
                if m.direction != MessageDirection.NOTE
            ]
            session.expunge(case)
            return partner.telegram_chat_id, case, history

    def _remember_topic(self, reference: str, topic_id: int) -> None:
        with self.factory.begin() as session:
            session.scalars(
                select(Case).where(Case.reference == reference)
            ).one().telegram_topic_id = topic_id

    def _client_language(self, chat: str) -> str:
        with self.factory() as session:
            client = session.scalars(select(Client).where(Client.chat_id == chat)).first()
            return client.language if client else "en"

    def _person_unreachable(self, reference: str) -> None:
        """Staff see a notice in the topic instead of silent delivery failures."""
        with self.factory.begin() as session:
            case = session.scalars(select(Case).where(Case.reference == reference)).first()
            if case is None:
                return
            partner = session.get(Partner, case.partner_id)
            if partner is not None:
                enqueue(
                    session,
                    "notice",
                    f"partner:{partner.slug}",
                    {"reference": reference, "notice": "blocked"},
                    dedupe_key=f"blocked:{reference}:{case.id}",
                )

    async def _reminder(self, message: Outgoing) -> Outcome:
        """A plain message in the group's general topic, pointing at the card."""
        slug = message.chat.removeprefix(PARTNER_PREFIX)
        chat_id = await asyncio.to_thread(self._group_of, slug)
        if chat_id is None:
            return RetryLater(300, "the group is not linked yet")
        t = translator(self.staff_locale)
        reference = message.payload["reference"]
        if message.kind == "reminder":
            text = t._(
                "Case {reference} is still waiting: nobody has taken it yet.", reference=reference
            )
        else:
            text = t._(
                "Case {reference} in the queue of {partner} has not been taken in time.",
                reference=reference,
                partner=message.payload.get("partner", "?"),
            )
        try:
            sent = await self.bot.send_message(
                chat_id, "⏰ " + html.escape(text), parse_mode=ParseMode.HTML
            )
        except TelegramError as error:
            return outcome_of(error)
        return Delivered(str(sent.message_id))

    def _group_of(self, slug: str) -> int | None:
        with self.factory() as session:
            return session.scalars(
                select(Partner.telegram_chat_id).where(Partner.slug == slug)
            ).first()

    async def _notice(self, message: Outgoing) -> Outcome:
        found = await asyncio.to_thread(self._case_view, message)
        if found is None or found[1].telegram_topic_id is None:
            return Dead("no topic for the notice")
        t = translator(self.staff_locale)
        text = t._("The person has blocked the bot. Your messages no longer reach them.")
        try:
            sent = await self.bot.send_message(
                found[0], text, message_thread_id=found[1].telegram_topic_id
            )
        except TelegramError as error:
            return outcome_of(error)
        return Delivered(str(sent.message_id))

    def _remember_card(self, reference: str, message_id: int) -> None:
        with self.factory.begin() as session:
            case = session.scalars(select(Case).where(Case.reference == reference)).one()
            case.card_message_id = message_id


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
    reference = (query.data or "").removeprefix(prefix)
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
