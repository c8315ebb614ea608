"""`razem run`: the Telegram bot (long polling)."""

from __future__ import annotations

import argparse

from bot.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = commands.add_parser("run", help="run the Telegram bot (long polling)")
    run.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from telegram.error import InvalidToken, NetworkError

    from bot.bootstrap import build_state_store, build_storage
    from bot.errors import ConfigError
    from bot.nlu_setup import build_engine
    from bot.runtime import Conversations
    from bot.storage.guard import require_current_schema
    from bot.telegram.app import build_application

    storage = build_storage(settings)
    require_current_schema(storage.engine)
    engine = build_engine(settings, storage)
    state = asyncio.run(build_state_store(settings))
    application = build_application(
        settings, Conversations(settings, storage.session_factory, state, engine)
    )
    try:
        # Fail fast, with one line, before polling starts: a wrong token or address.
        asyncio.run(_check_token(application))
    except InvalidToken:
        raise ConfigError(f"TELEGRAM_BOT_TOKEN: rejected by {settings.telegram_base_url}") from None
    except NetworkError as exc:
        raise ConfigError(
            f"RAZEM_TELEGRAM_BASE_URL: cannot reach {settings.telegram_base_url}: {exc}"
        ) from None
    application.run_polling(allowed_updates=["message", "callback_query"])
    return 0


async def _check_token(application) -> None:  # type: ignore[no-untyped-def]
    async with application.bot:
        await application.bot.get_me()
