"""Every button label fits a phone in every language: about 20 characters where two
buttons share a row, 32 where a button is alone. A label is written short, never cut."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.flows import texts
from bot.flows.conversation import step
from bot.flows.events import FaqListed, FaqTopic
from bot.flows.state import State, Step
from tests.conftest import REPO
from tests.i18n.words import LANGUAGES, catalog, faq_entries

HALF, FULL = texts.HALF_WIDTH, texts.FULL_WIDTH
BUTTON_SOURCES = [
    *sorted((REPO / "bot" / "flows").glob("*.py")),
    REPO / "bot" / "telegram" / "staff.py",
    REPO / "bot" / "telegram" / "sender.py",
]


@dataclass(frozen=True)
class Label:
    msgid: str
    limit: int
    where: str


def _translated_literal(node: ast.AST) -> str | None:
    """The msgid of ``t._("…")`` (or ``_("…")``), else None."""
    if (
        isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) == "_" or getattr(node.func, "id", None) == "_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def _is_button(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
        "Choice",
        "InlineKeyboardButton",
    )


def button_labels(path: Path) -> list[Label]:
    """Labels of buttons written in a row literal: a row with one button is full width,
    a row with more is half width (Telegram shares the row equally)."""
    labels = []
    for row in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(row, (ast.Tuple, ast.List)):
            continue
        buttons = [e for e in row.elts if _is_button(e)]
        if not buttons:
            continue
        limit = FULL if len(row.elts) == 1 else HALF
        for button in buttons:
            assert isinstance(button, ast.Call)
            msgid = _translated_literal(button.args[0]) if button.args else None
            if msgid is not None:
                labels.append(Label(msgid, limit, f"{path.name}:{button.lineno}"))
    return labels


LABELS = [label for path in BUTTON_SOURCES for label in button_labels(path)]


def test_the_buttons_are_found() -> None:
    found = {label.msgid: label.limit for label in LABELS}
    assert found["Housing, money, health, school"] == FULL
    assert found["No, I need a person"] == HALF
    assert found["Common questions"] == HALF
    assert found["Take"] == HALF
    assert len(found) >= 20


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_button_label_fits_in_every_language(language: str) -> None:
    too_long = []
    for label in LABELS:
        message = catalog(language).get(label.msgid)
        assert message is not None, label
        shown = message.string.replace("{reference}", "W-10000")
        if len(shown) > label.limit or "…" in shown:
            too_long.append(
                f"{label.where} {label.msgid!r} -> {shown!r} ({len(shown)} > {label.limit})"
            )
    assert too_long == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_faq_question_fits_a_full_width_button(language: str) -> None:
    too_long = [
        (entry["slug"], question, len(question))
        for entry in faq_entries()
        if len(question := entry["translations"][language]["question"]) > FULL
    ]
    assert too_long == []


def test_the_faq_list_shows_each_question_whole() -> None:
    entries = tuple(
        FaqTopic(entry["slug"], entry["translations"]["uk"]["question"])
        for entry in faq_entries()
        if entry["category"] == "legal"
    )
    actions, _ = step(State(locale="uk", step=Step.DESCRIBE), FaqListed("legal", entries))
    shown = [choice.label for row in actions[0].rows for choice in row]  # type: ignore[attr-defined]
    assert shown == [entry.question for entry in entries]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Мені дуже погано, я не даю собі ради. Кому подзвонити просто зараз?",
            "Мені дуже погано, я не даю…",
        ),
        ("Короткий текст", "Короткий текст"),
        ("Wojewódzki" * 4, ("Wojewódzki" * 4)[:31] + "…"),
    ],
)
def test_a_long_question_from_the_console_is_shortened_at_a_word(text: str, label: str) -> None:
    assert texts.button_label(text) == label
    assert len(texts.button_label(text)) <= FULL
