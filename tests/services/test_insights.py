"""Insights: exact aggregates inside, published rounded to 5 with "<5" for 1-4, safe CSV and SVG."""

from __future__ import annotations

import csv
import io
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import Storage, open_storage
from bot.domain import CaseStatus, MessageDirection
from bot.services.insights import (
    Filters,
    Row,
    bar_chart_svg,
    counts,
    first_response,
    first_response_by,
    ratings,
    to_csv,
)
from bot.storage.models import Case, CaseMessage, Partner

MARCH = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
APRIL = datetime(2024, 4, 10, 12, 0, tzinfo=UTC)
EVERYTHING = Filters()


def add_partner(session: Session) -> int:
    partner = Partner(
        slug=f"p-{uuid.uuid4().hex[:8]}", name_pl="Partner", name_en="Partner",
        cities=["Lublin"], kinds=["legal"], languages=["uk"],
    )  # fmt: skip
    session.add(partner)
    session.flush()
    return partner.id


def add_cases(
    session: Session,
    partner_id: int,
    how_many: int,
    created_at: datetime,
    *,
    category: str = "legal",
    subcategory: str | None = None,
    city: str = "Lublin",
    language: str = "uk",
    status: CaseStatus = CaseStatus.NEW,
    rating: int | None = None,
) -> list[Case]:
    cases = [
        Case(
            reference=uuid.uuid4().hex[:16], partner_id=partner_id, category=category,
            subcategory=subcategory, city=city, language=language, status=status,
            rating=rating, created_at=created_at,
        )
        for _ in range(how_many)
    ]  # fmt: skip
    session.add_all(cases)
    session.flush()
    return cases


def reply(session: Session, case: Case, after: timedelta, direction: MessageDirection) -> None:
    session.add(CaseMessage(case_id=case.id, direction=direction, text="…", created_at=case.created_at + after))  # fmt: skip


@pytest.fixture
def factory(storage: Storage) -> sessionmaker[Session]:
    return storage.session_factory


@pytest.fixture
def partner_id(factory: sessionmaker[Session]) -> int:
    with factory.begin() as session:
        return add_partner(session)


@pytest.fixture
def sample(factory: sessionmaker[Session], partner_id: int) -> sessionmaker[Session]:
    """March: 7 legal/Warszawa/uk, 3 psychological/Lublin/ru; April: 6 social/Lublin/uk.
    Plus 2 cancelled legal cases in March, which must never be counted."""
    with factory.begin() as session:
        add_cases(session, partner_id, 7, MARCH, category="legal", subcategory="legal_work", city="Warszawa")  # fmt: skip
        add_cases(session, partner_id, 3, MARCH, category="psychological", city="Lublin", language="ru")  # fmt: skip
        add_cases(session, partner_id, 6, APRIL, category="social", city="Lublin")
        add_cases(session, partner_id, 2, MARCH, category="legal", city="Warszawa", status=CaseStatus.CANCELLED)  # fmt: skip
    return factory


def as_table(rows: list[Row]) -> list[tuple[object, ...]]:
    return [(*row.group.values(), row.shown) for row in rows]


# --- counts ------------------------------------------------------------------------------


def test_counts_are_rounded_to_five_and_suppressed_below(sample: sessionmaker[Session]) -> None:
    rows = counts(sample, EVERYTHING, ("month", "category"))
    assert as_table(rows) == [
        ("2024-03", "legal", "5"),
        ("2024-03", "psychological", "<5"),
        ("2024-04", "social", "5"),
    ]
    assert [row.count for row in rows] == [7, 3, 6]  # the real counts stay server-side
    # The total is rounded too: an exact 16 beside 5 and 5 would give away the 3... or 6.
    assert as_table(counts(sample, EVERYTHING, ())) == [("15",)]
    by_city = counts(sample, EVERYTHING, ("city", "language"))
    assert as_table(by_city) == [("Lublin", "ru", "<5"), ("Lublin", "uk", "5"), ("Warszawa", "uk", "5")]  # fmt: skip
    # NULL subcategories form their own group, sorted last on both databases.
    assert as_table(counts(sample, EVERYTHING, ("subcategory",))) == [("legal_work", "5"), (None, "10")]  # fmt: skip


def test_counts_reject_unknown_or_repeated_dimensions(sample: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match=r"^by:"):
        counts(sample, EVERYTHING, ("client_id",))
    with pytest.raises(ValueError, match=r"^by:"):
        counts(sample, EVERYTHING, ("city", "city"))


def test_filters_narrow_the_counts(sample: sessionmaker[Session], partner_id: int) -> None:
    with sample.begin() as session:  # the edges of the period: both days are included
        add_cases(session, partner_id, 1, datetime(2024, 3, 31, 23, 59, tzinfo=UTC), category="social")  # fmt: skip
        add_cases(session, partner_id, 1, datetime(2024, 4, 1, 0, 0, tzinfo=UTC), category="social")  # fmt: skip
        add_cases(session, partner_id, 1, datetime(2024, 2, 29, 23, 59, tzinfo=UTC), category="social")  # fmt: skip
    march = Filters(since=date(2024, 3, 1), until=date(2024, 3, 31))
    assert [(r.group["category"], r.count) for r in counts(sample, march, ("category",))] == [
        ("legal", 7), ("psychological", 3), ("social", 1)]  # fmt: skip
    assert counts(sample, Filters(since=date(2024, 4, 1)), ())[0].count == 7
    assert counts(sample, Filters(until=date(2024, 2, 29)), ())[0].count == 1
    assert counts(sample, Filters(category="legal"), ())[0].count == 7
    assert counts(sample, Filters(city="Lublin", language="uk"), ())[0].count == 9
    assert counts(sample, Filters(language="ru"), ("city",))[0].shown == "<5"
    assert counts(sample, Filters(city="Kraków"), ("city",)) == []


def test_months_are_utc_months_whatever_the_session_time_zone(database_url: str) -> None:
    """to_char on PostgreSQL would use the session's zone; 20:00 UTC on 31 January is
    already February in Tokyo, but the month reported must be January."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        options = f"{url.query.get('options', '')} -c timezone=Asia/Tokyo".strip()
        url = url.update_query_dict({"options": options})
    storage = open_storage(url.render_as_string(hide_password=False), check=False)
    try:
        factory = storage.session_factory
        with factory.begin() as session:
            add_cases(session, add_partner(session), 5, datetime(2024, 1, 31, 20, 0, tzinfo=UTC))
        assert as_table(counts(factory, EVERYTHING, ("month",))) == [("2024-01", "5")]
        january = Filters(since=date(2024, 1, 31), until=date(2024, 1, 31))
        assert counts(factory, january, ())[0].count == 5
    finally:
        storage.dispose()


# --- filters -------------------------------------------------------------------------------


def test_filters_from_a_query_string() -> None:
    query = {"since": "2024-03-01", "until": " 2024-03-31 ", "category": "legal",
             "city": "Poznań", "language": "uk", "page": "2", "x": "<script>"}  # fmt: skip
    assert Filters.from_query(query) == Filters(
        date(2024, 3, 1), date(2024, 3, 31), "legal", "Poznań", "uk"
    )
    assert Filters.from_query({"since": "", "category": "  ", "city": ""}) == Filters()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2024-02-30"}, "until"),
        ({"since": "2024-05-01", "until": "2024-04-01"}, "until"),
        ({"category": "immigration"}, "category"),
        ({"language": "de"}, "language"),
        ({"city": "x" * 41}, "city"),
    ],
)
def test_bad_filter_values_name_the_field(query: dict[str, str], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}:") as raised:
        Filters.from_query(query)
    assert str(next(iter(query.values()))) not in str(raised.value)  # the value is not echoed


def test_a_city_of_forty_characters_is_fine() -> None:
    assert Filters.from_query({"city": "x" * 40}).city == "x" * 40


# --- first response ---------------------------------------------------------------------------


def test_first_response_median_and_p90(factory: sessionmaker[Session], partner_id: int) -> None:
    with factory.begin() as session:
        cases = add_cases(session, partner_id, 12, MARCH)
        for hours, case in enumerate(cases[:10], start=1):
            # Only the earliest message *to the client* counts: not the client's own,
            # nor a staff note, nor the later replies.
            reply(session, case, timedelta(minutes=1), MessageDirection.FROM_CLIENT)
            reply(session, case, timedelta(minutes=2), MessageDirection.NOTE)
            reply(session, case, timedelta(hours=hours + 5), MessageDirection.TO_CLIENT)
            reply(session, case, timedelta(hours=hours), MessageDirection.TO_CLIENT)
        reply(session, cases[10], timedelta(minutes=3), MessageDirection.SYSTEM)  # no reply
        cancelled = add_cases(session, partner_id, 1, MARCH, status=CaseStatus.CANCELLED)[0]
        reply(session, cancelled, timedelta(hours=500), MessageDirection.TO_CLIENT)
    times = first_response(factory, EVERYTHING)
    assert (times.n, times.shown_n) == (10, "10")
    assert times.median_hours == pytest.approx(5.5)
    # Linear interpolation between order statistics: rank 0.9 * (10 - 1) = 8.1 -> 9 + 0.1.
    assert times.p90_hours == pytest.approx(9.1)


def test_first_response_is_suppressed_below_five(factory: sessionmaker[Session], partner_id: int) -> None:  # fmt: skip
    with factory.begin() as session:
        cases = add_cases(session, partner_id, 9, MARCH)
        for case in cases[:4]:
            reply(session, case, timedelta(hours=2), MessageDirection.TO_CLIENT)
    times = first_response(factory, EVERYTHING)
    assert (times.median_hours, times.p90_hours, times.shown_n) == (None, None, "<5")
    empty = first_response(factory, Filters(category="social"))
    assert (empty.n, empty.shown_n, empty.median_hours) == (0, "0", None)


def test_first_response_per_category(factory: sessionmaker[Session], partner_id: int) -> None:
    with factory.begin() as session:
        for hours, case in enumerate(add_cases(session, partner_id, 6, MARCH), start=1):
            reply(session, case, timedelta(hours=hours), MessageDirection.TO_CLIENT)
        for case in add_cases(session, partner_id, 2, APRIL, category="social"):
            reply(session, case, timedelta(hours=1), MessageDirection.TO_CLIENT)
        add_cases(session, partner_id, 5, APRIL, category="psychological")  # no replies at all
    by_category = first_response_by(factory, EVERYTHING, "category")
    assert [group for group, _ in by_category] == ["legal", "social"]
    legal, social = (times for _, times in by_category)
    assert (legal.n, legal.shown_n) == (6, "5") and legal.median_hours == pytest.approx(3.5)
    assert (social.median_hours, social.p90_hours, social.shown_n) == (None, None, "<5")
    only_april = first_response_by(factory, Filters(since=date(2024, 4, 1)), "month")
    assert [(group, times.shown_n) for group, times in only_april] == [("2024-04", "<5")]
    with pytest.raises(ValueError, match=r"^by:"):
        first_response_by(factory, EVERYTHING, "reference")


# --- ratings ---------------------------------------------------------------------------------


def test_ratings(factory: sessionmaker[Session], partner_id: int) -> None:
    with factory.begin() as session:
        add_cases(session, partner_id, 6, MARCH, rating=5, status=CaseStatus.CLOSED)
        add_cases(session, partner_id, 2, MARCH, rating=4, status=CaseStatus.CLOSED)
        add_cases(session, partner_id, 3, MARCH)  # not rated
        add_cases(session, partner_id, 1, APRIL, rating=1, category="social")
    result = ratings(factory, Filters(until=date(2024, 3, 31)))
    assert (result.n, result.shown_n, result.average) == (8, "10", 4.75)
    assert result.distribution == {1: "0", 2: "0", 3: "0", 4: "<5", 5: "5"}
    few = ratings(factory, Filters(category="social"))
    assert (few.n, few.shown_n, few.average) == (1, "<5", None)
    assert few.distribution == {1: "<5", 2: "0", 3: "0", 4: "0", 5: "0"}


# --- CSV --------------------------------------------------------------------------------------


def test_csv_shows_small_counts_only_as_suppressed(sample: sessionmaker[Session]) -> None:
    rows = counts(sample, EVERYTHING, ("month", "category"))
    text = to_csv(rows, ("month", "category"))
    assert list(csv.reader(io.StringIO(text))) == [
        ["month", "category", "count"],
        ["2024-03", "legal", "5"],
        ["2024-03", "psychological", "<5"],
        ["2024-04", "social", "5"],
    ]
    assert "3" not in text.replace("2024-03", "")
    # The export is the same whatever the small count was: nothing in it depends on it.
    for real in (1, 2, 4):
        assert to_csv([Row({"city": "Lublin"}, real)], ["city"]) == to_csv([Row({"city": "Lublin"}, 3)], ["city"])  # fmt: skip


def test_csv_defuses_formulas() -> None:
    nasty = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "fine", None]
    text = to_csv([Row({"city": value}, 7) for value in nasty], ["city"])
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]
    assert cells == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "fine", ""]  # fmt: skip


# --- SVG --------------------------------------------------------------------------------------


def test_svg_is_safe_under_a_strict_csp_and_escapes_labels() -> None:
    svg = bar_chart_svg([("<b>x</b>", 12), ("Wrocław & co", 7), ('"quoted"', 0)], "Cases <by> city")
    assert "<script" not in svg.lower() and "style" not in svg.lower()
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg
    assert "Wrocław &amp; co" in svg and "<title>Cases &lt;by&gt; city</title>" in svg
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img"
    assert root[0].tag == "{http://www.w3.org/2000/svg}title"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Cases <by> city", "<b>x</b>", "10", "Wrocław & co", "5", '"quoted"', "0"]


def test_svg_never_reveals_a_small_value() -> None:
    charts = {real: bar_chart_svg([("Lublin", 40), ("Poznań", real)], "Cases") for real in (1, 2, 3, 4)}  # fmt: skip
    assert len(set(charts.values())) == 1  # identical whatever the real value
    texts = [t.text for t in ET.fromstring(charts[3]).iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Cases", "Lublin", "40", "Poznań", "<5"]
    assert ">3<" not in charts[3] and '"3"' not in charts[3]
    # Only small values: no scale to derive from them either.
    assert bar_chart_svg([("a", 1)], "t") == bar_chart_svg([("a", 4)], "t")


def test_svg_keeps_at_most_forty_bars() -> None:
    svg = bar_chart_svg([(f"city {i}", 10) for i in range(50)], "Cities", other_label="inne")
    root = ET.fromstring(svg)
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) == 40
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[-2:] == ["inne", "110"]  # the last 11 summed
    assert ET.fromstring(bar_chart_svg([], "Nothing yet")) is not None


# --- speed --------------------------------------------------------------------------------------


@pytest.fixture
def ten_thousand(factory: sessionmaker[Session], partner_id: int) -> Iterator[sessionmaker[Session]]:  # fmt: skip
    start = datetime(2023, 1, 1, tzinfo=UTC)
    cities = ("Lublin", "Poznań", "Warszawa", "Wrocław", "online")
    categories = ("legal", "psychological", "social", "other")
    with factory.begin() as session:
        session.execute(insert(Case), [
            {"reference": f"R{i:07d}", "partner_id": partner_id, "category": categories[i % 4],
             "subcategory": None, "city": cities[i % 5], "language": ("uk", "ru", "en", "pl")[i % 3],
             "status": CaseStatus.CLOSED, "rating": 1 + i % 5,
             "created_at": start + timedelta(hours=i)}
            for i in range(10_000)
        ])  # fmt: skip
    yield factory


def test_ten_thousand_cases_add_up(ten_thousand: sessionmaker[Session]) -> None:
    # Speed is measured in benchmarks/console_speed.py; here only that nothing is lost.
    rows = counts(ten_thousand, EVERYTHING, ("month", "category", "city", "language"))
    assert sum(row.count for row in rows) == 10_000
