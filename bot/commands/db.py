"""`razem db`: schema migrations."""

from __future__ import annotations

import argparse

from bot.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="database schema migrations")
    db_commands = db.add_subparsers(title="commands", metavar="COMMAND", required=True)
    upgrade = db_commands.add_parser("upgrade", help="migrate the schema up (default: to head)")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=upgrade_command)
    downgrade = db_commands.add_parser("downgrade", help="migrate the schema down, e.g. -1")
    downgrade.add_argument("revision", help="target revision, or -N steps")
    downgrade.set_defaults(handler=downgrade_command)
    current = db_commands.add_parser("current", help="print the schema revision")
    current.set_defaults(handler=current_command)


def upgrade_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import open_storage
    from bot.storage import migrate

    storage = open_storage(settings.database_url)
    migrate.upgrade(storage.engine, args.revision)
    print(f"database at revision {migrate.current_revision(storage.engine)}")
    storage.dispose()
    return 0


def downgrade_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import open_storage
    from bot.storage import migrate

    storage = open_storage(settings.database_url)
    migrate.downgrade(storage.engine, args.revision)
    print(f"database at revision {migrate.current_revision(storage.engine) or 'base (empty)'}")
    storage.dispose()
    return 0


def current_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import open_storage
    from bot.storage import migrate

    storage = open_storage(settings.database_url)
    current = migrate.current_revision(storage.engine)
    head = migrate.head_revision()
    state = "up to date" if current == head else f"head is {head}: run razem db upgrade"
    print(f"{current or 'empty'} ({state})")
    storage.dispose()
    return 0
