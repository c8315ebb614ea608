"""Each domain list (categories, subcategories, cities, languages, statuses, roles) is
written once, in bot/domain.py; code and templates elsewhere import it."""

from __future__ import annotations

import ast
import inspect
import re
from enum import StrEnum
from pathlib import Path

import pytest
import yaml

import bot.domain
from bot import domain
from nlu import labels
from tests.conftest import REPO

# Every StrEnum of bot/domain.py, and the subcategories, as sets of their values.
VALUE_SETS: dict[str, frozenset[str]] = {
    name: frozenset(member.value for member in value)
    for name, value in vars(bot.domain).items()
    if inspect.isclass(value) and issubclass(value, StrEnum) and value.__module__ == "bot.domain"
} | {"subcategories": frozenset(domain.SUBCATEGORIES)}

CODE = [
    path
    for package in ("bot", "nlu", "benchmarks")
    for path in sorted((REPO / package).rglob("*.py"))
    if path != REPO / "bot" / "domain.py" and "migrations" not in path.parts
]
TEMPLATES = sorted((REPO / "bot" / "web" / "templates").rglob("*.html"))


def restated_lists(source: str) -> list[tuple[int, str, list[str]]]:
    """Tuple, list and set literals (Literal[...] too) of two or more strings that
    all belong to one domain list: (line, the list's name, the values)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Tuple | ast.List | ast.Set) or len(node.elts) < 2:
            continue
        values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if len(values) != len(node.elts) or not all(isinstance(v, str) for v in values):
            continue
        for name, allowed in VALUE_SETS.items():
            if set(values) <= allowed:
                found.append((node.lineno, name, values))
                break
    return found


def test_the_scan_finds_a_restated_list() -> None:
    source = 'CITIES = ["Lublin", "Poznań"]\nx: Literal["uk", "ru"]\nok = ("uk", "po")\n'
    assert [(line, name) for line, name, _ in restated_lists(source)] == [
        (1, "City"),
        (2, "Language"),
    ]


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_restates_a_domain_list(path: Path) -> None:
    found = restated_lists(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(REPO)}: import these from bot/domain.py: {found}"


# A Jinja list literal of quoted words, e.g. {% for c in ["legal", "social"] %}.
JINJA_LIST = re.compile(r"""\[\s*((?:["'][^"']*["']\s*,\s*)+["'][^"']*["'])\s*\]""")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_template_restates_a_domain_list(path: Path) -> None:
    for match in JINJA_LIST.finditer(path.read_text(encoding="utf-8")):
        values = set(re.findall(r"""["']([^"']*)["']""", match.group(1)))
        restated = [name for name, allowed in VALUE_SETS.items() if values <= allowed]
        assert not restated, f"{path.name}: {match.group(0)} restates {restated}: pass it in"


def test_the_nlu_speaks_the_domains_labels() -> None:
    assert labels.CATEGORIES == domain.CATEGORIES
    assert labels.LANGUAGES == domain.LANGUAGES
    assert dict(labels.INTENT_CATEGORY) == dict(domain.SUBCATEGORY_CATEGORY)


def test_the_rasa_project_lists_every_subcategory() -> None:
    rasa_domain = yaml.safe_load((REPO / "nlu" / "domain.yml").read_text(encoding="utf-8"))
    assert set(rasa_domain["intents"]) == set(domain.SUBCATEGORIES)


def test_each_subcategory_is_named_for_its_category() -> None:
    for subcategory, category in domain.SUBCATEGORY_CATEGORY.items():
        assert category in domain.CATEGORIES and subcategory.startswith(f"{category}_")
