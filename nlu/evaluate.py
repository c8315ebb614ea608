"""`razem nlu evaluate`: quality on a labelled file, in the exact JSON contract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score, precision_recall_fscore_support

from nlu.api import Engine, Parse
from nlu.calibration import reliability
from nlu.errors import NluDataError
from nlu.labels import CATEGORIES, INTENT_CATEGORY, INTENTS, LANGUAGES
from nlu.training_data import read_rasa_file

MAX_EVALUATION_BYTES = 50_000_000
ENTITY_TYPES = ("city", "dates", "children")


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled message; a label left out (None) is not scored."""

    text: str
    lang: str
    category: str | None
    urgent: bool | None
    subcategory: str | None = None
    now: datetime | None = None
    entities: dict[str, Any] | None = None  # city / dates / children, as the parse prints


def read_labelled(path: Path) -> list[Labelled]:
    """JSON Lines (text, lang; category, subcategory, urgent, now, city, dates, children
    when labelled; other fields ignored) or Rasa YAML."""
    try:
        if path.stat().st_size > MAX_EVALUATION_BYTES:
            raise NluDataError(f"{path}: larger than {MAX_EVALUATION_BYTES} bytes")
    except FileNotFoundError:
        raise NluDataError(f"{path}: file not found") from None
    if path.suffix in (".yml", ".yaml"):
        return [
            Labelled(e.text, e.language, e.category, e.urgent, e.intent)
            for e in read_rasa_file(path)
        ]
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
    subcategory = row.get("subcategory")
    if not isinstance(text, str):
        raise NluDataError(f"{where}: 'text' must be a string")
    if lang not in LANGUAGES:
        raise NluDataError(
            f"{where}: unknown lang {lang!r} (expected one of {', '.join(LANGUAGES)})"
        )
    if subcategory is not None and subcategory not in INTENT_CATEGORY:
        raise NluDataError(f"{where}: unknown subcategory {subcategory!r} (see nlu/labels.py)")
    if category is None and subcategory is not None:
        category = INTENT_CATEGORY[subcategory]
    has_entities = any(k in row for k in ENTITY_TYPES)
    if category is None and not has_entities:
        raise NluDataError(f"{where}: expected 'category' (or entity labels)")
    if category is not None and category not in CATEGORIES:
        raise NluDataError(
            f"{where}: unknown category {category!r} (expected one of {', '.join(CATEGORIES)})"
        )
    if subcategory is not None and INTENT_CATEGORY[subcategory] != category:
        raise NluDataError(f"{where}: subcategory {subcategory!r} is not in {category!r}")
    if urgent is None and not has_entities:
        raise NluDataError(f"{where}: 'urgent' must be true or false")
    if urgent is not None and not isinstance(urgent, bool):
        raise NluDataError(f"{where}: 'urgent' must be true or false")
    now = None
    if row.get("now") is not None:
        try:
            now = datetime.fromisoformat(str(row["now"]))
        except ValueError:
            raise NluDataError(f"{where}: 'now' must be an ISO 8601 date and time") from None
    entities = {k: row[k] for k in ENTITY_TYPES if k in row} if has_entities else None
    return Labelled(text, lang, category, urgent, subcategory, now, entities)


def evaluate(engine: Engine, rows: list[Labelled]) -> dict[str, Any]:
    parses = [engine.parse(row.text, now=row.now) for row in rows]
    report: dict[str, Any] = {"n": len(rows)}
    report.update(_categories(rows, parses))
    report["language_accuracy"] = round(
        sum(row.lang == parse.language for row, parse in zip(rows, parses, strict=True))
        / len(rows),
        4,
    )
    report["subcategory"] = _subcategories(rows, parses)
    report["urgent_by_kind"] = _urgent_by_kind(rows, parses)
    report["entities"] = _entities(rows, parses)
    report["calibration"] = _calibration(rows, parses)
    return report


def _categories(rows: list[Labelled], parses: list[Parse]) -> dict[str, Any]:
    scored = [(row, parse) for row, parse in zip(rows, parses, strict=True) if row.category]
    truth = [str(row.category) for row, _ in scored]
    predicted = [parse.category for _, parse in scored]
    zeros = [0.0] * len(CATEGORIES)
    precision, recall, f1, _ = (
        precision_recall_fscore_support(truth, predicted, labels=list(CATEGORIES), zero_division=0)
        if truth
        else (zeros, zeros, zeros, None)
    )
    per_language = {}
    for lang in LANGUAGES:
        picked = [i for i, (row, _) in enumerate(scored) if row.lang == lang]
        if picked:
            per_language[lang] = {
                "n": len(picked),
                "macro_f1": _macro_f1([truth[i] for i in picked], [predicted[i] for i in picked]),
            }
    urgent_rows = [(row, parse) for row, parse in zip(rows, parses, strict=True)]
    labelled_urgent = [(row, parse) for row, parse in urgent_rows if row.urgent is not None]
    urgent_true = sum(bool(row.urgent) for row, _ in labelled_urgent)
    flagged = sum(parse.urgent for _, parse in labelled_urgent)
    hits = sum(bool(row.urgent) and parse.urgent for row, parse in labelled_urgent)
    confusion = {t: {p: 0 for p in CATEGORIES} for t in CATEGORIES}
    for t, p in zip(truth, predicted, strict=True):
        confusion[t][p] += 1
    return {
        "macro_f1": _macro_f1(truth, predicted) if truth else None,
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
        "confusion": confusion,
    }


def _subcategories(rows: list[Labelled], parses: list[Parse]) -> dict[str, Any] | None:
    scored = [(row, parse) for row, parse in zip(rows, parses, strict=True) if row.subcategory]
    if not scored:
        return None
    per_language = {}
    for lang in LANGUAGES:
        picked = [(row, parse) for row, parse in scored if row.lang == lang]
        if picked:
            per_language[lang] = {
                "n": len(picked),
                "accuracy": _accuracy(picked),
            }
    confusion: dict[str, dict[str, int]] = {}
    for row, parse in scored:
        if row.subcategory != parse.subcategory:
            wrong = confusion.setdefault(str(row.subcategory), {})
            wrong[parse.subcategory] = wrong.get(parse.subcategory, 0) + 1
    per_subcategory = {}
    for intent in INTENTS:
        picked = [(row, parse) for row, parse in scored if row.subcategory == intent]
        if picked:
            per_subcategory[intent] = {"n": len(picked), "recall": _accuracy(picked)}
    return {
        "n": len(scored),
        "accuracy": _accuracy(scored),
        "per_language": per_language,
        "per_subcategory": per_subcategory,
        "errors": confusion,  # true subcategory -> {predicted: count}, mistakes only
    }


def _accuracy(pairs: list[tuple[Labelled, Parse]]) -> float:
    return round(sum(row.subcategory == parse.subcategory for row, parse in pairs) / len(pairs), 4)


def _urgent_by_kind(rows: list[Labelled], parses: list[Parse]) -> dict[str, Any] | None:
    """Recall of the urgent messages by their subcategory (the kind of danger: crisis,
    violence at home, detention, homeless tonight…), and which signals fired."""
    urgent = [(row, parse) for row, parse in zip(rows, parses, strict=True) if row.urgent]
    if not urgent:
        return None
    kinds: dict[str, dict[str, Any]] = {}
    for row, parse in urgent:
        kind = kinds.setdefault(row.subcategory or str(row.category), {"n": 0, "flagged": 0})
        kind["n"] += 1
        kind["flagged"] += int(parse.urgent)
    for kind in kinds.values():
        kind["recall"] = round(kind["flagged"] / kind["n"], 4)
    signals: dict[str, int] = {}
    for parse in parses:
        for signal in parse.urgent_signals:
            signals[signal] = signals.get(signal, 0) + 1
    return {"recall_by_subcategory": dict(sorted(kinds.items())), "signals": signals}


def _entities(rows: list[Labelled], parses: list[Parse]) -> dict[str, Any] | None:
    """Precision and recall per entity type over the rows that label entities.

    A city counts when city and town both match; a date when the ISO date matches;
    a child when the age matches (or both say "a child, no age")."""
    labelled = [(row, parse) for row, parse in zip(rows, parses, strict=True) if row.entities]
    if not labelled:
        return None
    report: dict[str, Any] = {"n": len(labelled)}
    for kind in ENTITY_TYPES:
        true_count = predicted_count = hits = 0
        for row, parse in labelled:
            assert row.entities is not None
            if kind not in row.entities:
                continue
            expected = _entity_values(kind, row.entities[kind])
            found = _entity_values(kind, parse.to_json()[kind])
            true_count += len(expected)
            predicted_count += len(found)
            remaining = list(found)
            for value in expected:
                if value in remaining:
                    remaining.remove(value)
                    hits += 1
        report[kind] = {
            "expected": true_count,
            "found": predicted_count,
            "precision": round(hits / predicted_count, 4) if predicted_count else None,
            "recall": round(hits / true_count, 4) if true_count else None,
        }
    return report


def _entity_values(kind: str, value: Any) -> list[Any]:
    if kind == "city":
        return [] if not value else [(value.get("city"), value.get("town"))]
    if kind == "dates":
        return [d if isinstance(d, str) else d.get("date") for d in value or []]
    ages = [c.get("age") if isinstance(c, dict) else c for c in value or []]
    return [None if a is None else round(float(a), 1) for a in ages]


def _calibration(rows: list[Labelled], parses: list[Parse]) -> dict[str, Any] | None:
    """Is the category confidence honest? Reliability bins and ECE; and, for the
    conversation's threshold, how often the bot is right when it is that sure."""
    scored = [(row, parse) for row, parse in zip(rows, parses, strict=True) if row.category]
    if not scored:
        return None
    confidences = [parse.confidence for _, parse in scored]
    correct = [row.category == parse.category for row, parse in scored]
    report = reliability(confidences, correct)
    thresholds = {}
    for threshold in (0.5, 0.6, 0.7, 0.8):
        above = [ok for c, ok in zip(confidences, correct, strict=True) if c >= threshold]
        below = [ok for c, ok in zip(confidences, correct, strict=True) if c < threshold]
        thresholds[str(threshold)] = {
            "share_above": round(len(above) / len(scored), 4),
            "accuracy_above": round(sum(above) / len(above), 4) if above else None,
            "accuracy_below": round(sum(below) / len(below), 4) if below else None,
        }
    report["thresholds"] = thresholds
    return report


def _macro_f1(truth: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the four categories (a category absent from both counts as 0)."""
    return round(
        float(
            f1_score(truth, predicted, labels=list(CATEGORIES), average="macro", zero_division=0)
        ),
        4,
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_report(report: dict[str, Any]) -> str:
    lines = [f"messages: {report['n']}   macro-F1: {_fmt(report['macro_f1'])}", ""]
    if report["macro_f1"] is not None:
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
    lines += [
        "",
        f"urgent: recall {_fmt(urgent['recall'])}, precision {_fmt(urgent['precision'])}",
        f"language accuracy: {report['language_accuracy']:.3f}",
    ]
    lines += _format_subcategory(report["subcategory"])
    if report["urgent_by_kind"]:
        lines += ["", "urgent recall by subcategory"]
        for kind, row in report["urgent_by_kind"]["recall_by_subcategory"].items():
            lines.append(f"  {kind:<26} {row['flagged']:>3}/{row['n']:<3} {row['recall']:.3f}")
        fired = ", ".join(f"{k} {v}" for k, v in report["urgent_by_kind"]["signals"].items())
        lines.append(f"  signals fired: {fired or 'none'}")
    if report["entities"]:
        lines += ["", "entity      expected  found  precision  recall"]
        for kind in ENTITY_TYPES:
            row = report["entities"][kind]
            lines.append(
                f"{kind:<11} {row['expected']:<9} {row['found']:<6} "
                f"{_fmt(row['precision']):<10} {_fmt(row['recall'])}"
            )
    calibration = report["calibration"]
    if calibration:
        lines += ["", f"calibration: ECE {_fmt(calibration['ece'])}"]
        lines.append("  confidence     n   mean conf  accuracy")
        for b in calibration["bins"]:
            if b["n"]:
                lines.append(
                    f"  {b['from']:.1f}–{b['to']:.1f}  {b['n']:>6}   {b['confidence']:.3f}"
                    f"      {b['accuracy']:.3f}"
                )
        for threshold, row in calibration["thresholds"].items():
            lines.append(
                f"  at ≥ {threshold}: {row['share_above']:.0%} of messages, right "
                f"{_fmt(row['accuracy_above'])} (below: {_fmt(row['accuracy_below'])})"
            )
    return "\n".join(lines)


def _format_subcategory(report: dict[str, Any] | None) -> list[str]:
    if not report:
        return []
    per_language = ", ".join(f"{k} {v['accuracy']:.3f}" for k, v in report["per_language"].items())
    lines = ["", f"subcategory accuracy: {report['accuracy']:.3f} ({per_language})"]
    lines.append("  subcategory                 n   recall  mistaken for")
    for intent, row in report["per_subcategory"].items():
        wrong = report["errors"].get(intent, {})
        mistaken = ", ".join(f"{k} {v}" for k, v in sorted(wrong.items(), key=lambda kv: -kv[1]))
        lines.append(f"  {intent:<26} {row['n']:>3}  {row['recall']:.3f}  {mistaken}")
    return lines
