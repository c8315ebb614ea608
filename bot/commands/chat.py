"""`razem chat` (the terminal chat) and `razem route` (explain routing)."""

from __future__ import annotations

import argparse
import sys

from bot.domain import CATEGORIES, LANGUAGES, PLACES
from bot.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = commands.add_parser("chat", help="talk to Razem in the terminal as one person")
    chat.add_argument(
        "--as",
        dest="chat_id",
        default="demo",
        metavar="ID",
        help="who you are (a separate conversation per ID; default: demo)",
    )
    chat.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="the language your 'phone' is set to, as Telegram would tell us",
    )
    chat.add_argument("--staff", metavar="PARTNER", help="show this partner's queue instead")
    chat.set_defaults(handler=chat_command)

    route = commands.add_parser("route", help="which partner a case would go to, and why")
    route.add_argument("--category", required=True, choices=CATEGORIES)
    route.add_argument("--subcategory", default=None)
    route.add_argument("--city", required=True, choices=PLACES)
    route.add_argument("--lang", required=True, choices=LANGUAGES)
    route.set_defaults(handler=route_command)


def chat_command(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.bootstrap import build_app, open_storage

    if args.staff:
        from bot.terminal.queue import partner_queue

        storage = open_storage(settings.database_url, current_schema=True)
        print(partner_queue(storage.session_factory, args.staff))
        storage.dispose()
        return 0
    from bot.terminal.chat import run_chat

    app = build_app(settings)

    async def chat() -> None:
        try:
            await run_chat(app.conversations, args.chat_id, sys.stdin, sys.stdout, args.lang)
        finally:
            await app.close()  # in this loop: the Redis client lives in it

    asyncio.run(chat())
    return 0


def route_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import open_storage
    from bot.services.routing import route_case

    storage = open_storage(settings.database_url, current_schema=True)
    with storage.session_factory() as session:
        route = route_case(
            session,
            category=args.category,
            subcategory=args.subcategory,
            city=args.city,
            language=args.lang,
        )
        print(f"{route.partner.slug}: {route.partner.name_en}")
        for reason in route.reasons:
            print(f"  - {reason}")
    storage.dispose()
    return 0
