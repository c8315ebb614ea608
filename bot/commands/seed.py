"""`razem seed`: load data/*.yml."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    seed = commands.add_parser("seed", help="load partners, routing rules and FAQ from data/")
    seed.add_argument("--force", action="store_true", help="overwrite edits made in the database")
    seed.add_argument("--data", metavar="DIR", help="data folder (default: RAZEM_DATA_DIR)")
    seed.set_defaults(handler=seed_command)


def seed_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import open_storage
    from bot.seed.loader import read_seed_data, seed

    data = read_seed_data(Path(args.data) if args.data else settings.data_dir)
    storage = open_storage(settings.database_url, current_schema=True)
    report = seed(storage.session_factory, data, force=args.force)
    for line in report.lines():
        print(line)
    storage.dispose()
    return 0
