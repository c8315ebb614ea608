"""`razem nlu`: train, parse and evaluate. The output formats are a contract."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.domain import CATEGORIES, LANGUAGES
from bot.settings import Settings

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "nlu" / "data"
DEFAULT_DEV = Path(__file__).resolve().parents[2] / "nlu" / "tests" / "dev.jsonl"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    nlu = commands.add_parser("nlu", help="train, try and evaluate the language understanding")
    nlu_commands = nlu.add_subparsers(title="commands", metavar="COMMAND", required=True)

    train = nlu_commands.add_parser("train", help="train the builtin model from Rasa YAML")
    train.add_argument("--data", metavar="DIR", type=Path, default=DEFAULT_DATA)
    train.add_argument(
        "--dev",
        metavar="FILE",
        type=Path,
        default=DEFAULT_DEV,
        help="dev split to report on (default: nlu/tests/dev.jsonl)",
    )
    train.set_defaults(handler=train_command)

    parse = nlu_commands.add_parser("parse", help="classify TEXT, or one message per line from -")
    parse.add_argument("text", metavar="TEXT", help="the message, or - to read lines from stdin")
    parse.add_argument(
        "--lang-hint",
        choices=LANGUAGES,
        default=None,
        help="the Telegram client's language, as a prior",
    )
    parse.add_argument(
        "--now",
        metavar="ISO",
        type=_moment,
        default=None,
        help="when the message was written (ISO 8601; default: now), for dates like 'tomorrow'",
    )
    parse.set_defaults(handler=parse_command)

    evaluate = nlu_commands.add_parser("evaluate", help="scores on a labelled JSONL or Rasa file")
    evaluate.add_argument("file", metavar="FILE", type=Path)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=evaluate_command)


def train_command(args: argparse.Namespace, settings: Settings) -> int:
    from nlu.builtin import BuiltinEngine
    from nlu.evaluate import evaluate, read_labelled
    from nlu.model import data_fingerprint
    from nlu.training import train
    from nlu.training_data import read_training_data

    examples = read_training_data(args.data)
    dev = read_labelled(args.dev) if args.dev and args.dev.exists() else None
    model = train(examples, data_fingerprint(args.data))
    model.save(settings.model_path)
    counts = Counter((e.language, e.category) for e in examples)
    languages = sorted({lang for lang, _ in counts})
    print(
        f"trained on {len(examples)} examples (+{model.info['augmented']} generated) "
        f"in {model.info['seconds']} s -> {settings.model_path}"
    )
    print("language " + "".join(f"{c:>15}" for c in CATEGORIES) + f"{'urgent':>10}")
    for lang in languages:
        urgent = sum(e.urgent for e in examples if e.language == lang)
        row = "".join(f"{counts[(lang, c)]:>15}" for c in CATEGORIES)
        print(f"{lang:<9}{row}{urgent:>10}")
    if dev is not None:
        report = evaluate(BuiltinEngine(model), dev)
        per_language = ", ".join(
            f"{lang} {row['macro_f1']:.3f}" for lang, row in report["per_language"].items()
        )
        urgent = report["urgent"]
        print(
            f"dev split {args.dev.name} ({report['n']} messages): macro-F1 "
            f"{report['macro_f1']:.3f} ({per_language}); urgent recall {urgent['recall']}, "
            f"precision {urgent['precision']}; language accuracy {report['language_accuracy']}"
        )
    return 0


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.bootstrap import open_nlu

    return open_nlu(settings)


def _moment(value: str) -> datetime:
    """An ISO 8601 moment; without a zone it is Warsaw time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date or time: {value!r} (e.g. 2026-11-20T14:30)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Europe/Warsaw"))


def parse_command(args: argparse.Namespace, settings: Settings) -> int:
    engine = _engine(settings)
    if args.text != "-":
        parsed = engine.parse(args.text, lang_hint=args.lang_hint, now=args.now)
        print(json.dumps(parsed.to_json(), ensure_ascii=False))
        return 0
    stream_parse(engine, sys.stdin, sys.stdout, args.lang_hint, args.now)
    return 0


def stream_parse(  # type: ignore[no-untyped-def]
    engine, source: TextIO, sink: TextIO, lang_hint: str | None, now: datetime | None = None
) -> None:
    """One JSON object per input line, in order, written as each line is read."""
    if hasattr(source, "reconfigure"):
        source.reconfigure(errors="replace")  # a stray byte must not stop the batch
    for line in source:
        text = line.rstrip("\r\n")
        sink.write(
            json.dumps(
                engine.parse(text, lang_hint=lang_hint, now=now).to_json(), ensure_ascii=False
            )
            + "\n"
        )
        sink.flush()


def evaluate_command(args: argparse.Namespace, settings: Settings) -> int:
    from nlu.evaluate import evaluate, format_report, read_labelled

    rows = read_labelled(args.file)
    report = evaluate(_engine(settings), rows)
    print(json.dumps(report, ensure_ascii=False) if args.json else format_report(report))
    return 0
