"""`razem`: the command line. Thin: parse, call a service, print, exit.

Errors a person can fix print one line and exit 2; nothing else prints a traceback
unless RAZEM_LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from bot.errors import RazemError
from bot.settings import Settings, load_settings

log = logging.getLogger("razem")

Handler = Callable[[argparse.Namespace, Settings], int]


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> Parser:
    parser = Parser(prog="razem", description="Razem: help-desk bot for migrants and refugees.")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    db = commands.add_parser("db", help="database schema migrations")
    db_commands = db.add_subparsers(title="commands", metavar="COMMAND", required=True)
    upgrade = db_commands.add_parser("upgrade", help="migrate the schema up (default: to head)")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=_db_upgrade)
    downgrade = db_commands.add_parser("downgrade", help="migrate the schema down, e.g. -1")
    downgrade.add_argument("revision", help="target revision, or -N steps")
    downgrade.set_defaults(handler=_db_downgrade)
    current = db_commands.add_parser("current", help="print the schema revision")
    current.set_defaults(handler=_db_current)

    seed = commands.add_parser("seed", help="load partners, routing rules and FAQ from data/")
    seed.add_argument("--force", action="store_true", help="overwrite edits made in the database")
    seed.add_argument("--data", metavar="DIR", help="data folder (default: RAZEM_DATA_DIR)")
    seed.set_defaults(handler=_seed)

    check = commands.add_parser("check", help="check configuration, database and state store")
    check.set_defaults(handler=_check)
    return parser


def subcommand_names() -> set[str]:
    """The top-level subcommands, for checks that other files name real ones."""
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_storage
    from bot.storage import migrate

    storage = build_storage(settings)
    migrate.upgrade(storage.engine, args.revision)
    print(f"database at revision {migrate.current_revision(storage.engine)}")
    storage.dispose()
    return 0


def _db_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_storage
    from bot.storage import migrate

    storage = build_storage(settings)
    migrate.downgrade(storage.engine, args.revision)
    print(f"database at revision {migrate.current_revision(storage.engine) or 'base (empty)'}")
    storage.dispose()
    return 0


def _db_current(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_storage
    from bot.storage import migrate

    storage = build_storage(settings)
    current = migrate.current_revision(storage.engine)
    head = migrate.head_revision()
    state = "up to date" if current == head else f"head is {head}: run razem db upgrade"
    print(f"{current or 'empty'} ({state})")
    storage.dispose()
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from bot.bootstrap import build_storage
    from bot.seed.loader import read_seed_data, seed
    from bot.storage.guard import require_current_schema

    data = read_seed_data(Path(args.data) if args.data else settings.data_dir)
    storage = build_storage(settings)
    require_current_schema(storage.engine)
    report = seed(storage.session_factory, data, force=args.force)
    for line in report.lines():
        print(line)
    storage.dispose()
    return 0


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_storage, check_state_store
    from bot.storage import migrate

    storage = build_storage(settings)
    print(f"database: {storage.engine.url.render_as_string(hide_password=True)} reachable")
    current, head = migrate.current_revision(storage.engine), migrate.head_revision()
    print(f"schema: {current or 'empty'}" + ("" if current == head else f" (head is {head})"))
    print(f"conversation state: {check_state_store(settings)}")
    storage.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level.upper(),
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
        )
        handler: Handler = args.handler
        return handler(args, settings)
    except RazemError as exc:
        log.debug("failed", exc_info=True)
        print(f"razem: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
