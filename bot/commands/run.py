"""`razem run`: the Telegram bot (long polling)."""

from __future__ import annotations

import argparse

from bot.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = commands.add_parser("run", help="run the Telegram bot (long polling, or --webhook)")
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="public https URL Telegram posts updates to (behind your reverse proxy)",
    )
    run.add_argument("--listen", default="127.0.0.1", help="address to serve the webhook on")
    run.add_argument("--port", type=int, default=8443, help="port to serve the webhook on")
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
    state = build_state_store(settings)
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
    if args.webhook:
        from bot.telegram.webhook import secret_for, serve_webhook

        if not args.webhook.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ConfigError(f"--webhook: Telegram needs an https URL, got {args.webhook!r}")
        token = (
            settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
        )
        secret = secret_for(
            token, settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        )
        asyncio.run(serve_webhook(application, args.webhook, args.listen, args.port, secret, state))
        return 0
    application.run_polling(allowed_updates=["message", "callback_query"])
    return 0


async def _check_token(application) -> None:  # type: ignore[no-untyped-def]
    async with application.bot:
        await application.bot.get_me()
