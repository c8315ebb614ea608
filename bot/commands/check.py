"""`razem check`: is the configuration usable?"""

from __future__ import annotations

import argparse

from bot.settings import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", help="check configuration, database and state store")
    check.set_defaults(handler=check_command)


def check_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import check_state_store, open_storage
    from bot.storage import migrate

    storage = open_storage(settings.database_url)
    print(f"database: {storage.engine.url.render_as_string(hide_password=True)} reachable")
    current, head = migrate.current_revision(storage.engine), migrate.head_revision()
    print(f"schema: {current or 'empty'}" + ("" if current == head else f" (head is {head})"))
    print(f"conversation state: {check_state_store(settings)}")
    model = settings.model_path
    print(f"NLU model: {model if model.exists() else f'missing at {model} (razem nlu train)'}")
    storage.dispose()
    return 0
