"""`razem nlu evaluate`: quality on a labelled file, in the exact JSON contract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score, precision_recall_fscore_support

from nlu.api import Engine
from nlu.errors import NluDataError
from nlu.labels import CATEGORIES, LANGUAGES
from nlu.training_data import read_rasa_file

MAX_EVALUATION_BYTES = 50_000_000


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    lang: str
    category: str
    urgent: bool


def read_labelled(path: Path) -> list[Labelled]:
    """JSON Lines (text, lang, category, urgent; other fields ignored) or Rasa YAML."""
    try:
        if path.stat().st_size > MAX_EVALUATION_BYTES:
            raise NluDataError(f"{path}: larger than {MAX_EVALUATION_BYTES} bytes")
    except FileNotFoundError:
        raise NluDataError(f"{path}: file not found") from None
    if path.suffix in (".yml", ".yaml"):
        return [Labelled(e.text, e.language, e.category, e.urgent) for e in read_rasa_file(path)]
    rows = []
    with path.open(encoding="utf-8", errors="strict") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    rows.append(_row(path, number, line))
        except UnicodeDecodeError:
            raise NluDataError(f"{path}: not UTF-8 text") from None
    if not rows:
        raise NluDataError(f"{path}: no rows")
    return rows


def _row(path: Path, number: int, line: str) -> Labelled:
    where = f"{path}:{number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise NluDataError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise NluDataError(f"{where}: expected a JSON object")
    text, lang, category, urgent = (row.get(k) for k in ("text", "lang", "category", "urgent"))
    if not isinstance(text, str):
        raise NluDataError(f"{where}: 'text' must be a string")
    if lang not in LANGUAGES:
        raise NluDataError(
            f"{where}: unknown lang {lang!r} (expected one of {', '.join(LANGUAGES)})"
        )
    if category not in CATEGORIES:
        raise NluDataError(
            f"{where}: unknown category {category!r} (expected one of {', '.join(CATEGORIES)})"
        )
    if not isinstance(urgent, bool):
        raise NluDataError(f"{where}: 'urgent' must be true or false")
    return Labelled(text, lang, category, urgent)


def evaluate(engine: Engine, rows: list[Labelled]) -> dict[str, Any]:
    parses = [engine.parse(row.text) for row in rows]
    truth = [row.category for row in rows]
    predicted = [parse.category for parse in parses]
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth, predicted, labels=list(CATEGORIES), zero_division=0
    )
    per_language = {}
    for lang in LANGUAGES:
        picked = [i for i, row in enumerate(rows) if row.lang == lang]
        if picked:
            per_language[lang] = {
                "n": len(picked),
                "macro_f1": _macro_f1([truth[i] for i in picked], [predicted[i] for i in picked]),
            }
    urgent_true = sum(row.urgent for row in rows)
    flagged = sum(parse.urgent for parse in parses)
    hits = sum(row.urgent and parse.urgent for row, parse in zip(rows, parses, strict=True))
    confusion = {t: {p: 0 for p in CATEGORIES} for t in CATEGORIES}
    for t, p in zip(truth, predicted, strict=True):
        confusion[t][p] += 1
    return {
        "n": len(rows),
        "macro_f1": _macro_f1(truth, predicted),
        "per_language": per_language,
        "per_category": {
            c: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
            }
            for i, c in enumerate(CATEGORIES)
        },
        "urgent": {
            "recall": round(hits / urgent_true, 4) if urgent_true else None,
            "precision": round(hits / flagged, 4) if flagged else None,
        },
        "language_accuracy": round(
            sum(row.lang == parse.language for row, parse in zip(rows, parses, strict=True))
            / len(rows),
            4,
        ),
        "confusion": confusion,
    }


def _macro_f1(truth: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the four categories (a category absent from both counts as 0)."""
    return round(
        float(
            f1_score(truth, predicted, labels=list(CATEGORIES), average="macro", zero_division=0)
        ),
        4,
    )


def format_report(report: dict[str, Any]) -> str:
    lines = [f"messages: {report['n']}   macro-F1: {report['macro_f1']:.3f}", ""]
    lines.append("language   n     macro-F1")
    for lang, row in report["per_language"].items():
        lines.append(f"{lang:<10} {row['n']:<5} {row['macro_f1']:.3f}")
    lines += ["", "category        precision  recall  F1"]
    for category, row in report["per_category"].items():
        lines.append(
            f"{category:<15} {row['precision']:<10.3f} {row['recall']:<7.3f} {row['f1']:.3f}"
        )
    lines += ["", "confusion (rows: true, columns: predicted)"]
    lines.append(" " * 15 + "".join(f"{c[:6]:>8}" for c in CATEGORIES))
    for true, row in report["confusion"].items():
        lines.append(f"{true:<15}" + "".join(f"{row[c]:>8}" for c in CATEGORIES))
    urgent = report["urgent"]

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines += [
        "",
        f"urgent: recall {fmt(urgent['recall'])}, precision {fmt(urgent['precision'])}",
        f"language accuracy: {report['language_accuracy']:.3f}",
    ]
    return "\n".join(lines)
