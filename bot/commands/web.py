"""`razem web` (the console) and `razem user add|reset` (console accounts)."""

from __future__ import annotations

import argparse

from bot.domain import CONSOLE_ROLES, LANGUAGES
from bot.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    web = commands.add_parser("web", help="serve the web console for coordinators and staff")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    web.add_argument("--port", type=int, default=8080, help="port (8080)")
    web.set_defaults(handler=web_command)

    user = commands.add_parser("user", help="web console accounts")
    user_commands = user.add_subparsers(title="commands", metavar="COMMAND", required=True)
    add = user_commands.add_parser("add", help="create an account; prints a password-set link")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--role", required=True, choices=CONSOLE_ROLES)
    add.add_argument("--partner", metavar="SLUG", help="the organisation (staff accounts)")
    add.add_argument("--language", default="pl", choices=LANGUAGES)
    add.set_defaults(handler=user_add_command)
    reset = user_commands.add_parser("reset", help="a new password-set link (old one stops)")
    reset.add_argument("email", metavar="EMAIL")
    reset.set_defaults(handler=user_reset_command)


def _factory(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.bootstrap import open_storage

    return open_storage(settings.database_url, current_schema=True).session_factory


def _print_link(settings: Settings, email: str, token: str) -> None:
    from bot.services.accounts import SETUP_LINK_LIFETIME

    hours = int(SETUP_LINK_LIFETIME.total_seconds() // 3600)
    print(f"Send this link to {email} (it works once, for {hours} hours):")
    print(f"{settings.web_base_url.rstrip('/')}/setup/{token}")


def user_add_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.domain import ConsoleRole
    from bot.services.accounts import add_account

    token = add_account(_factory(settings), args.email, ConsoleRole(args.role), args.partner,
                        args.language)  # fmt: skip
    _print_link(settings, args.email, token)
    return 0


def user_reset_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.accounts import reset_link

    _print_link(settings, args.email, reset_link(_factory(settings), args.email))
    return 0


def web_command(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from bot.errors import ConfigError
    from bot.web.app import create_app
    from bot.web.serving import uvicorn_config

    if not 0 < args.port < 65536:
        raise ConfigError(f"--port: {args.port} is not a port number")
    app = create_app(settings)
    print(f"Razem console on http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    uvicorn.Server(uvicorn_config(app, args.host, args.port, settings)).run()
    return 0
