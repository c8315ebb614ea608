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
from bot.logging_setup import configure_logging
from bot.settings import Settings, load_settings

log = logging.getLogger("razem")

Handler = Callable[[argparse.Namespace, Settings], int]


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> Parser:
    from bot.commands import chat, check, db, nlu, partners, run, seed, web

    parser = Parser(prog="razem", description="Razem: help-desk bot for migrants and refugees.")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for module in (db, seed, check, nlu, chat, run, partners, web):
        module.register(commands)
    return parser


def subcommand_names() -> set[str]:
    """The top-level subcommands, for checks that other files name real ones."""
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings)
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
