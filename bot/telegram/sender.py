"""The one place that sends anything to Telegram, and the one mapping of Telegram's
errors to delivery outcomes.

Every message goes through the outbox (cards, topics, relays both ways, notices,
reminders, and the replies to a person's own updates) and is delivered by
:meth:`TelegramSender.send`; only a button's acknowledgement is sent directly
(:func:`answer_quietly`). Retrying is the outbox's job: the rate limiter
only paces (see bot/telegram/app.py), so a 429 is waited out once, not twice.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.domain import CaseStatus
from bot.flows import payloads, texts
from bot.i18n import Translator, translator
from bot.outbox.dispatcher import Dead, Delivered, Outcome, Outgoing, RetryLater, Unreachable
from bot.outbox.messages import (
    CaseCard,
    CaseTopic,
    Escalation,
    PersonNotice,
    PersonNoticeKind,
    Reminder,
    Reply,
    ToPerson,
    TopicNotice,
    ToTopic,
)
from bot.telegram.case_views import WORDS_SHOWN, CaseView, CaseViews
from bot.telegram.render import MAX_TEXT, split

log = logging.getLogger(__name__)
NOT_LINKED = RetryLater(300, "the partner's group is not linked yet")
CAPTION_LIMIT = 1024  # Telegram's limit on a file's caption
Markup = InlineKeyboardMarkup | None


async def answer_quietly(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Acknowledge a button press. Best effort: it only stops the button's spinner (or
    shows a short alert), and the work was done before, so a failure is logged only."""
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as error:
        log.info("a button press was not acknowledged: %s", outcome_of(error))


def outcome_of(error: TelegramError) -> Outcome:
    """The one place that turns Telegram errors into delivery outcomes."""
    if isinstance(error, RetryAfter):
        seconds = error.retry_after
        wait = seconds.total_seconds() if hasattr(seconds, "total_seconds") else seconds
        return RetryLater(float(wait), "429")
    if isinstance(error, Forbidden):
        return Unreachable(f"forbidden: {error}")
    if isinstance(error, TimedOut | NetworkError) and not isinstance(error, BadRequest):
        return RetryLater(None, str(error))
    return Dead(f"bad request: {error}")


class TelegramSender:
    def __init__(self, bot: Bot, factory: sessionmaker[Session], staff_locale: str) -> None:
        self.bot = bot
        self.views = CaseViews(factory)
        self.staff_locale = staff_locale
        self.staff = translator(staff_locale)

    # --- the outbox ---------------------------------------------------------------

    async def send(self, outgoing: Outgoing) -> Outcome:
        message = outgoing.message
        try:
            match message:
                case CaseCard():
                    outcome = await self._card(message)
                case CaseTopic():
                    outcome = await self._topic(message)
                case ToTopic():
                    outcome = await self._to_topic(message)
                case ToPerson():
                    outcome = await self._to_person(message)
                case PersonNotice():
                    outcome = await self._person_notice(message)
                case TopicNotice():
                    outcome = await self._topic_notice(message)
                case Reminder() | Escalation():
                    outcome = await self._reminder(message)
                case Reply():
                    outcome = await self._reply(message)
        except TelegramError as error:
            outcome = outcome_of(error)
        if isinstance(outcome, Unreachable) and isinstance(message, ToPerson | PersonNotice):
            await asyncio.to_thread(self.views.person_unreachable, message.reference)
        return outcome

    async def _card(self, message: CaseCard) -> Outcome:
        case = await asyncio.to_thread(self.views.case, message.partner, message.reference)
        if case is None:
            return NOT_LINKED
        text, markup = self._card_text(case), self._card_buttons(case)
        if case.card_message_id is not None:  # posted once, then only edited
            try:
                await self.bot.edit_message_text(
                    text, case.group, case.card_message_id, parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )  # fmt: skip
            except BadRequest as error:
                if "not modified" not in str(error).lower():
                    raise
            return Delivered(str(case.card_message_id))
        sent = await self._text(case.group, text, markup)
        await asyncio.to_thread(self.views.remember_card, message.reference, sent.message_id)
        return Delivered(str(sent.message_id))

    def _card_text(self, case: CaseView) -> str:
        t = self.staff
        kind = f"{case.category} / {case.subcategory or '-'}"
        head = f"{case.reference} · {kind} · {case.language} · {case.city}"
        lines = [("‼️ " + t._("URGENT") + " · " if case.urgent else "") + head]
        words = case.summary.strip()
        if words:
            shown = html.escape(words[:WORDS_SHOWN]) + ("…" if len(words) > WORDS_SHOWN else "")
            lines += ["", f"«{shown}»"]
        if case.status == CaseStatus.CLAIMED and case.assignee is not None:
            lines += ["", t._("Taken by {name}", name=html.escape(case.assignee))]
        elif case.status == CaseStatus.NEW:
            lines += ["", t._("Waiting for someone to take it")]
        else:
            lines += ["", _status_for_staff(t, case.status)]
        return "\n".join(lines)[:MAX_TEXT]

    def _card_buttons(self, case: CaseView) -> Markup:
        if case.status != CaseStatus.NEW:
            return None
        t = self.staff
        return InlineKeyboardMarkup([[
            InlineKeyboardButton(t._("Take"), callback_data=payloads.take(case.reference)),
            InlineKeyboardButton(t._("Transfer"), callback_data=payloads.transfer(case.reference)),
        ]])  # fmt: skip

    async def _topic(self, message: CaseTopic) -> Outcome:
        """Create the case's forum topic (once) and post the history into it."""
        case = await asyncio.to_thread(self.views.case, message.partner, message.reference)
        if case is None:
            return NOT_LINKED
        topic_id = case.topic_id
        if topic_id is None:
            name = f"{case.reference} · {case.category} · {case.language} · {case.city}"
            topic = await self.bot.create_forum_topic(case.group, name[:128])
            topic_id = topic.message_thread_id
            await asyncio.to_thread(self.views.remember_topic, case.reference, topic_id)
        head = self.staff._("Case {reference}: history", reference=case.reference)
        text = head + "\n\n" + "\n\n".join(case.history)
        await self._pieces(case.group, split(text), topic=topic_id)
        return Delivered(str(topic_id))

    async def _to_topic(self, message: ToTopic) -> Outcome:
        case = await asyncio.to_thread(self.views.case, message.partner, message.reference)
        if case is None:
            return NOT_LINKED
        if case.topic_id is None:
            return RetryLater(30, "the case's topic is not created yet")
        words = html.escape(message.text or "")
        if message.author:  # written in the web console by staff: shown so the group sees it too
            mark = "📝" if message.note else "💬"
            text = f"{mark} <b>{html.escape(message.author)}</b>: {words}"
        else:
            text = "👤 " + words
        sent = await self._any(
            case.group, text, message.media_kind, message.media_reference, case.topic_id
        )
        return Delivered(str(sent))

    async def _to_person(self, message: ToPerson) -> Outcome:
        language = await asyncio.to_thread(self.views.person_language, message.chat)
        t = translator(language)
        header = (
            t._("Message from the consortium's coordinators:")
            if message.coordinators
            else t._("{partner} writes:", partner=message.partner_name)
        )
        text = html.escape(header) + "\n" + html.escape(message.text or "")
        sent = await self._any(
            int(message.chat), text, message.media_kind, message.media_reference, None
        )
        return Delivered(str(sent))

    async def _person_notice(self, message: PersonNotice) -> Outcome:
        language = await asyncio.to_thread(self.views.person_language, message.chat)
        t, reference = translator(language), message.reference
        markup: Markup = None
        if message.notice == PersonNoticeKind.CLOSED:
            text = t._(
                "Your request {reference} is closed. How would you rate the help you got? 1 is bad, 5 is very good.",  # noqa: E501
                reference=reference,
            )
            markup = InlineKeyboardMarkup([[
                InlineKeyboardButton(str(n), callback_data=payloads.rate(reference, n))
                for n in range(1, 6)
            ]])  # fmt: skip
        elif message.notice == PersonNoticeKind.REOPENED:
            text = t._(
                "Your request {reference} has been opened again. The organisation will write to you here.",  # noqa: E501
                reference=reference,
            )
        else:
            text = t._(
                "Your request {reference} has been passed to {partner}, who can help you better. They will write to you here.",  # noqa: E501
                reference=reference,
                partner=texts.partner_name(
                    t, message.partner_name, coordinators=message.coordinators
                ),
            )
        sent = await self._text(int(message.chat), html.escape(text), markup)
        return Delivered(str(sent.message_id))

    async def _topic_notice(self, message: TopicNotice) -> Outcome:
        case = await asyncio.to_thread(self.views.case, message.partner, message.reference)
        if case is None or case.topic_id is None:
            return Dead("no topic for the notice")
        text = self.staff._("The person has blocked the bot. Your messages no longer reach them.")
        sent = await self._text(case.group, html.escape(text), topic=case.topic_id)
        return Delivered(str(sent.message_id))

    async def _reminder(self, message: Reminder | Escalation) -> Outcome:
        """A plain message in the group's general topic, pointing at the card."""
        group = await asyncio.to_thread(self.views.group, message.partner)
        if group is None:
            return NOT_LINKED
        t = self.staff
        if isinstance(message, Reminder):
            text = t._(
                "Case {reference} is still waiting: nobody has taken it yet.",
                reference=message.reference,
            )
        else:
            text = t._(
                "Case {reference} in the queue of {partner} has not been taken in time.",
                reference=message.reference,
                partner=message.late_partner,
            )
        sent = await self._text(group, "⏰ " + html.escape(text))
        return Delivered(str(sent.message_id))

    async def _reply(self, message: Reply) -> Outcome:
        rows = [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                for row in message.buttons]  # fmt: skip
        sent = await self._text(
            int(message.chat), message.text, InlineKeyboardMarkup(rows) if rows else None
        )
        return Delivered(str(sent.message_id))

    # --- the calls to Telegram ------------------------------------------------------

    async def _text(
        self, chat_id: int, text: str, markup: Markup = None, *, topic: int | None = None
    ) -> Message:
        return await self.bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, message_thread_id=topic
        )

    async def _pieces(self, chat_id: int, pieces: list[str], *, topic: int | None) -> Message:
        for piece in pieces[:-1]:
            await self._text(chat_id, piece, topic=topic)
        return await self._text(chat_id, pieces[-1], topic=topic)

    async def _any(
        self, chat_id: int, text: str, kind: str | None, reference: str | None, topic: int | None
    ) -> int:
        """Text, or a file with the text as its caption; the message id."""
        # Each kind of file id is accepted only by its own method (a voice by sendVoice).
        file_senders: dict[str, Callable[..., Awaitable[Message]]] = {
            "photo": self.bot.send_photo,
            "voice": self.bot.send_voice,
            "document": self.bot.send_document,
        }
        send_file = file_senders.get(kind or "") if reference else None
        if send_file is not None:
            options: dict[str, Any] = {"parse_mode": ParseMode.HTML, "message_thread_id": topic}
            sent = await send_file(chat_id, reference, caption=text[:CAPTION_LIMIT], **options)
            return int(sent.message_id)
        if kind == "location" and reference:
            text += f"\n📍 {html.escape(reference)}"
        return int((await self._pieces(chat_id, split(text), topic=topic)).message_id)


def _status_for_staff(t: Translator, status: CaseStatus) -> str:
    """The card's last line once the case can no longer be taken from it, in the
    staff's language (not the raw status code)."""
    names = {
        CaseStatus.CLAIMED: t._("Taken"),
        CaseStatus.CLOSED: t._("Closed"),
        CaseStatus.TRANSFERRED: t._("Passed to another partner"),
        CaseStatus.CANCELLED: t._("Cancelled at the person's request"),
    }
    return names.get(status, status.value)
