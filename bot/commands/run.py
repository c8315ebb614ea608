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

    from bot.bootstrap import build_app
    from bot.errors import ConfigError
    from bot.telegram.app import build_application

    app = build_app(settings)
    application = build_application(settings, app.conversations)
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

        async def serve() -> None:
            try:
                await serve_webhook(application, args.webhook, args.listen, args.port, secret,
                                    app.state)  # fmt: skip
            finally:
                await app.close()  # in this loop: the Redis client lives in it

        asyncio.run(serve())
        return 0
    _close_on_shutdown(application, app)
    application.run_polling(allowed_updates=["message", "callback_query"])
    return 0


async def _check_token(application) -> None:  # type: ignore[no-untyped-def]
    async with application.bot:
        await application.bot.get_me()


def _close_on_shutdown(application, app) -> None:  # type: ignore[no-untyped-def]
    """Close the app last, inside the polling loop (where its Redis client lives)."""
    before = application.post_shutdown

    async def shutdown(application) -> None:  # type: ignore[no-untyped-def]
        if before is not None:
            await before(application)
        await app.close()

    application.post_shutdown = shutdown
