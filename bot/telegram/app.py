"""python-telegram-bot wiring: updates in, the runtime, replies out.

Private chats are the migrant side. Telegram's address comes from the settings
(RAZEM_TELEGRAM_BASE_URL), so the same code runs against Telegram, a self-hosted
telegram-bot-api server, or the tests' fake server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.orm import Session, sessionmaker
from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.domain import Channel
from bot.errors import ConfigError
from bot.flows import events as e
from bot.flows.actions import Reply
from bot.flows.payloads import ButtonKind, pattern
from bot.i18n import LOCALES, translator
from bot.outbox.dispatcher import OutboxDispatcher
from bot.outbox.messages import Reply as OutboxReply
from bot.outbox.messages import reply_key
from bot.outbox.store import REPLY_PRIORITY, enqueue
from bot.runtime import Conversations
from bot.services.reminders import remind_untaken
from bot.settings import Settings
from bot.telegram.render import buttons, split, to_html
from bot.telegram.sender import TelegramSender, answer_quietly
from bot.telegram.staff import (
    on_group_transfer,
    on_link,
    on_take,
    on_topic_message,
    on_transfer_button,
)

log = logging.getLogger(__name__)
# The limiter would log every 429 as an error with a traceback; the outbox waits them
# out and records them on the message (last_error), so they are not errors here.
logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
COMMANDS = ("start", "help", "cases", "language", "mydata", "forget", "emergency")
PRIVATE = filters.ChatType.PRIVATE
REMINDER_INTERVAL_SECONDS = 60.0


def build_application(settings: Settings, conversations: Conversations) -> Application:  # type: ignore[type-arg]
    """The bot: people in private chats, partner staff in their groups, and the outbox
    dispatcher delivering queue cards while the bot runs."""
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN: not set (create a bot with @BotFather and paste its token)"
        )
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .post_init(_start)
        .post_stop(_stop)
    )
    application: Application = (  # type: ignore[type-arg]
        # Paces to Telegram's limits (30 messages/s, 1/s per chat, 20/min per group)
        # and never retries: a 429 is the outbox's to wait out (one retry layer).
        builder.rate_limiter(AIORateLimiter(max_retries=0)).build()
        if settings.telegram_rate_limit
        else builder.build()
    )
    application.bot_data["conversations"] = conversations
    application.bot_data["session_factory"] = conversations.factory
    application.bot_data["staff_locale"] = settings.staff_locale
    application.bot_data["settings"] = settings
    application.bot_data["sender"] = TelegramSender(
        application.bot, conversations.factory, settings.staff_locale
    )
    application.add_handler(CommandHandler("link", on_link, filters=~PRIVATE))
    application.add_handler(CallbackQueryHandler(on_take, pattern=pattern(ButtonKind.TAKE)))
    application.add_handler(
        CallbackQueryHandler(on_transfer_button, pattern=pattern(ButtonKind.TRANSFER))
    )
    application.add_handler(
        CommandHandler("transfer", on_group_transfer, filters=~PRIVATE & ~filters.IS_TOPIC_MESSAGE)
    )
    application.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.IS_TOPIC_MESSAGE, on_topic_message)
    )
    application.add_handler(CommandHandler([*COMMANDS, "menu"], _on_command, filters=PRIVATE))
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, _on_command))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, _on_text))
    application.add_handler(CallbackQueryHandler(_on_button))
    media = filters.PHOTO | filters.Document.ALL | filters.VOICE | filters.LOCATION
    application.add_handler(MessageHandler(PRIVATE & media, _on_media))
    application.add_handler(MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, _on_unsupported))
    return application


async def _start(application: Application) -> None:  # type: ignore[type-arg]
    await _set_commands(application)
    stop = application.bot_data["outbox_stop"] = asyncio.Event()
    sender = application.bot_data["sender"]
    dispatcher = OutboxDispatcher(application.bot_data["session_factory"], sender)
    application.bot_data["outbox_dispatcher"] = dispatcher
    application.bot_data["outbox_task"] = asyncio.create_task(dispatcher.run(stop))
    application.bot_data["reminder_task"] = asyncio.create_task(_remind(application, stop))


async def _remind(application: Application, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    settings: Settings = application.bot_data["settings"]
    while not stop.is_set():
        try:
            await asyncio.to_thread(
                remind_untaken,
                application.bot_data["session_factory"],
                minutes=settings.take_reminder_minutes,
                urgent_minutes=settings.urgent_take_reminder_minutes,
            )
        except Exception:
            log.exception("reminders failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), REMINDER_INTERVAL_SECONDS)


async def _stop(application: Application) -> None:  # type: ignore[type-arg]
    stop: asyncio.Event | None = application.bot_data.get("outbox_stop")
    if stop is not None:
        stop.set()
        await application.bot_data["outbox_task"]
        await application.bot_data["reminder_task"]


async def _set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command menu in each language (and English for everyone else)."""
    for locale in (*LOCALES, None):
        t = translator(locale or "en")
        descriptions = {
            "start": t._("Start again"),
            "help": t._("How to use Razem"),
            "cases": t._("My requests"),
            "language": t._("Change the language"),
            "mydata": t._("What we store about you"),
            "forget": t._("Delete my data"),
            "emergency": t._("Emergency numbers"),
        }
        commands = [BotCommand(name, descriptions[name]) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=locale)


def _conversations(context: ContextTypes.DEFAULT_TYPE) -> Conversations:
    conversations: Conversations = context.application.bot_data["conversations"]
    return conversations


def _language(update: Update) -> str | None:
    return update.effective_user.language_code if update.effective_user else None


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]) -> None:
    """The replies go out through the outbox, right after the step that made them: a 429
    or an outage delays them, never drops them, and a person's messages keep their
    order. The dispatcher is woken, so they normally leave at once."""
    chat = update.effective_chat
    if chat is None or not replies:
        return
    outgoing: list[OutboxReply] = []
    for reply in replies:
        pieces = split(to_html(reply))
        outgoing += [OutboxReply(str(chat.id), text) for text in pieces[:-1]]
        # The keyboard rides on the last piece (as render.messages does).
        outgoing.append(OutboxReply(str(chat.id), pieces[-1], buttons(reply)))
    factory: sessionmaker[Session] = context.application.bot_data["session_factory"]
    await asyncio.to_thread(_queue_replies, factory, update.update_id, outgoing)
    dispatcher: OutboxDispatcher | None = context.application.bot_data.get("outbox_dispatcher")
    if dispatcher is not None:
        dispatcher.wake()


def _queue_replies(
    factory: sessionmaker[Session], update_id: int, outgoing: list[OutboxReply]
) -> None:
    with factory.begin() as session:
        for piece, message in enumerate(outgoing):
            key = reply_key(message.chat, update_id, piece)
            enqueue(session, message, dedupe_key=key, priority=REPLY_PRIORITY)


async def _on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None or update.effective_chat is None:
        return
    name = (update.effective_message.text or "/").split()[0][1:].split("@")[0]
    event = e.Command(name, _language(update))
    replies = await _conversations(context).on_event(
        Channel.TELEGRAM, str(update.effective_chat.id), event
    )
    await _send(update, context, replies)


async def _on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None or update.effective_chat is None:
        return
    replies = await _conversations(context).on_text(
        Channel.TELEGRAM,
        str(update.effective_chat.id),
        update.effective_message.text or "",
        _language(update),
    )
    await _send(update, context, replies)


async def _on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or update.effective_chat is None or update.effective_chat.type != "private":
        return
    event = e.Button(query.data or "", _language(update))
    replies = await _conversations(context).on_event(
        Channel.TELEGRAM, str(update.effective_chat.id), event
    )
    await _send(update, context, replies)
    # Only stops the button's spinner: the press is handled whether or not this arrives.
    await answer_quietly(query)


async def _on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    if message.photo:
        kind, reference = "photo", message.photo[-1].file_id
    elif message.document:
        kind, reference = "document", message.document.file_id
    elif message.voice:
        kind, reference = "voice", message.voice.file_id
    else:
        location = message.location
        kind, reference = (
            "location",
            f"{location.latitude},{location.longitude}" if location else "",
        )
    event = e.Media(kind, reference, message.caption or "", _language(update))
    replies = await _conversations(context).on_event(
        Channel.TELEGRAM, str(update.effective_chat.id), event
    )
    await _send(update, context, replies)


async def _on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is None:
        return
    event = e.Media("unsupported", "", "", _language(update))
    replies = await _conversations(context).on_event(
        Channel.TELEGRAM, str(update.effective_chat.id), event
    )
    await _send(update, context, replies)
