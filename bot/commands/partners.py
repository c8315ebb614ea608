"""`razem partner link` and `razem staff add`: connect partners' Telegram staff groups."""

from __future__ import annotations

import argparse

from bot.domain import PARTNER_STAFF_ROLES
from bot.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    partner = commands.add_parser("partner", help="partner organisations' Telegram groups")
    partner_commands = partner.add_subparsers(title="commands", metavar="COMMAND", required=True)
    link = partner_commands.add_parser("link", help="print a one-time code to link a staff group")
    link.add_argument("slug", metavar="SLUG")
    link.set_defaults(handler=link_command)

    staff = commands.add_parser("staff", help="partner staff who may act in the Telegram group")
    staff_commands = staff.add_subparsers(title="commands", metavar="COMMAND", required=True)
    add = staff_commands.add_parser("add", help="register a staff member of a partner")
    add.add_argument("slug", metavar="SLUG", help="the partner, e.g. sip")
    add.add_argument("--name", required=True, help="how colleagues see them in the group")
    add.add_argument(
        "--telegram-id", type=int, required=True, help="their numeric Telegram user id"
    )
    add.add_argument("--role", choices=PARTNER_STAFF_ROLES, default="staff")
    add.set_defaults(handler=staff_add_command)


def _storage(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.bootstrap import open_storage

    return open_storage(settings.database_url, current_schema=True)


def link_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.partners import LINK_CODE_LIFETIME, new_link_code

    code = new_link_code(_storage(settings).session_factory, args.slug)
    hours = int(LINK_CODE_LIFETIME.total_seconds() // 3600)
    print(f"Post this in {args.slug}'s Telegram staff group (topics on, the bot an admin):")
    print(f"/link {code}")
    print(f"The code works once, for {hours} hours.")
    return 0


def staff_add_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.domain import StaffRole
    from bot.services.partners import add_staff

    staff_id = add_staff(_storage(settings).session_factory, args.slug, args.name, args.telegram_id,
                         StaffRole(args.role))  # fmt: skip
    print(f"staff member {staff_id} added to {args.slug}")
    return 0
