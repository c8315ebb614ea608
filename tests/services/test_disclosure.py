"""Disclosure control: an auditor with every published figure of a period, subtracting.

The figures are the ones the Insights page and its CSV publish (the total, every
breakdown by one dimension, every cross-table of two), read from a real database.
The attacker knows how they nest — a total is the sum of any breakdown, a category's
count is the sum of its row in category × city — and tries every subtraction: a
published figure minus any set of the published parts it is made of. None may give
a count from 1 to 4, nor the true size of the hidden rest when that is from 1 to 4.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import Storage
from bot.services import disclosure
from bot.services.insights import DIMENSIONS, Filters, bar_chart_svg, counts, to_csv
from bot.storage.models import Case
from tests.services.test_insights import add_cases, add_partner

MONTHS = {
    "2024-03": datetime(2024, 3, 10, tzinfo=UTC),
    "2024-04": datetime(2024, 4, 10, tzinfo=UTC),
}
CATEGORIES = ("legal", "social", "psychological")
CITIES = ("Lublin", "Warszawa")
LANGUAGES = ("uk", "ru")
PUBLISHED_DIMENSIONS = ("month", "category", "city", "language")

# A cell: (month, category, city, language) → how many cases.
cells = st.dictionaries(
    st.tuples(
        st.sampled_from(sorted(MONTHS)),
        st.sampled_from(CATEGORIES),
        st.sampled_from(CITIES),
        st.sampled_from(LANGUAGES),
    ),
    st.integers(min_value=1, max_value=9),
    max_size=10,
)

Key = frozenset[tuple[str, str]]


@pytest.fixture
def factory(storage: Storage) -> sessionmaker[Session]:
    return storage.session_factory


def publish(database: sessionmaker[Session]) -> dict[Key, str]:
    """Every figure the page and the CSV show, keyed by the group it counts. A group a
    table leaves out is published too: as 0, since the attacker knows it is empty."""
    figures: dict[Key, str] = {}
    tables: list[tuple[str, ...]] = [()]
    tables += [(name,) for name in PUBLISHED_DIMENSIONS]
    tables += list(combinations(PUBLISHED_DIMENSIONS, 2))
    values = {
        "month": sorted(MONTHS),
        "category": CATEGORIES,
        "city": CITIES,
        "language": LANGUAGES,
    }
    for by in tables:
        rows = counts(database, Filters(), by)
        csv_text = to_csv(rows, by)  # what the export shows is what the page shows
        for row in rows:
            assert f",{row.shown}\n" in csv_text.replace("\r\n", "\n") or not by
        shown = {frozenset(row.group.items()): row.shown for row in rows}
        for combination in _product([[(name, v) for v in values[name]] for name in by]):
            figures[frozenset(combination)] = shown.get(frozenset(combination), "0")
    return figures


def _product(choices: list[list[tuple[str, str]]]) -> Iterable[tuple[tuple[str, str], ...]]:
    if not choices:
        yield ()
        return
    for first in choices[0]:
        for rest in _product(choices[1:]):
            yield (first, *rest)


def true_count(data: dict[tuple[str, str, str, str], int], key: Key) -> int:
    wanted = dict(key)
    total = 0
    for cell, n in data.items():
        group = dict(zip(PUBLISHED_DIMENSIONS, cell, strict=True))
        if all(group[name] == value for name, value in wanted.items()):
            total += n
    return total


def subtractions(figures: dict[Key, str]) -> Iterable[tuple[Key, list[Key], int]]:
    """(whole, the parts left over, published whole - published parts subtracted)."""
    for whole, whole_shown in figures.items():
        if whole_shown == disclosure.SUPPRESSED:
            continue  # nothing to subtract from
        used = {name for name, _ in whole}
        for name in PUBLISHED_DIMENSIONS:
            if name in used:
                continue
            parts = [key for key in figures if len(key) == len(whole) + 1 and whole < key
                     and any(n == name for n, _ in key - whole)]  # fmt: skip
            known = [part for part in parts if figures[part] != disclosure.SUPPRESSED]
            for size in range(len(known) + 1):
                for subtracted in combinations(known, size):
                    rest = [part for part in parts if part not in subtracted]
                    if not rest:
                        continue
                    estimate = int(whole_shown) - sum(int(figures[p]) for p in subtracted)
                    yield whole, rest, estimate


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=cells)
def test_no_subtraction_of_published_figures_recovers_a_count_under_five(
    factory: sessionmaker[Session], data: dict[tuple[str, str, str, str], int]
) -> None:
    with factory.begin() as session:
        session.execute(delete(Case))
        partner_id = add_partner(session)
        for (month, category, city, language), n in data.items():
            add_cases(session, partner_id, n, MONTHS[month], category=category, city=city,
                      language=language)  # fmt: skip
    figures = publish(factory)
    for whole, rest, estimate in subtractions(figures):
        hidden = sum(true_count(data, part) for part in rest)
        assert not 0 < estimate < 5, (sorted(whole), [sorted(p) for p in rest], estimate)
        assert not (0 < hidden < 5 and estimate == hidden), (sorted(whole), hidden)


def test_totals_and_margins_are_rounded_to_five_and_small_counts_hidden() -> None:
    assert [disclosure.shown(n) for n in (0, 1, 4, 5, 7, 8, 12, 13, 1234)] == [
        "0", "<5", "<5", "5", "5", "10", "10", "15", "1235"]  # fmt: skip
    assert [disclosure.published(n) for n in (0, 3, 6)] == [0, None, 5]


def test_charts_depend_only_on_published_values() -> None:
    # 6 and 7 are both published as 5: neither the label nor the bar's length may differ.
    assert bar_chart_svg([("Lublin", 40), ("Poznań", 6)], "t") == bar_chart_svg([("Lublin", 41), ("Poznań", 7)], "t")  # fmt: skip


def test_every_dimension_is_covered_by_the_audit() -> None:
    # The page also breaks down by subcategory; it nests exactly like category does.
    assert set(PUBLISHED_DIMENSIONS) | {"subcategory"} == set(DIMENSIONS)
