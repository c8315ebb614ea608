"""Anonymous statistics for the console's Insights page, used by the consortium for advocacy.

Nothing here may identify a person, so only aggregates leave the database, and every
count goes out through bot.services.disclosure: 1 to 4 as "<5", everything else —
totals and margins too — rounded to a multiple of 5, in rows (``shown``), in CSV and
in charts. The real ``count``/``n`` fields exist for sorting and totals inside the
server; templates and exports must use the ``shown`` strings.

Grouping happens in SQL (one GROUP BY per call); percentiles too on PostgreSQL
(percentile_cont), in Python on SQLite.
Cancelled cases are left out everywhere: they are not requests for help.
"""

from __future__ import annotations

import csv
import html
import io
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, Subquery, cast, func, literal_column, select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import CATEGORIES, LANGUAGES, CaseStatus, MessageDirection
from bot.services import disclosure
from bot.storage.models import Case, CaseMessage

SUPPRESS_BELOW = disclosure.SUPPRESS_BELOW
SUPPRESSED = disclosure.SUPPRESSED
DIMENSIONS: tuple[str, ...] = ("month", "category", "subcategory", "city", "language")
CITY_MAX_LENGTH = 40
MAX_BARS = 40


def shown(count: int) -> str:
    """How a count may be displayed (see bot.services.disclosure)."""
    return disclosure.shown(count)


@dataclass(frozen=True)
class Filters:
    """What the Insights page narrows to; ``since`` and ``until`` are inclusive UTC days."""

    since: date | None = None
    until: date | None = None
    category: str | None = None
    city: str | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        # Checked here too, so a Filters built in code is as safe as one from a query string.
        if self.category is not None and self.category not in CATEGORIES:
            raise ValueError("category: unknown category")
        if self.language is not None and self.language not in LANGUAGES:
            raise ValueError("language: unknown language")
        if self.city is not None and len(self.city) > CITY_MAX_LENGTH:
            raise ValueError(f"city: longer than {CITY_MAX_LENGTH} characters")
        if self.since and self.until and self.since > self.until:
            raise ValueError("until: before since")

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """From query-string values. Unknown keys and blank values are ignored; a bad
        value raises ValueError whose message starts with the field's name (and never
        repeats the value, which the page may show back)."""

        def value(name: str) -> str | None:
            raw = (query.get(name) or "").strip()
            return raw or None

        return cls(
            since=_parse_date(value("since"), "since"),
            until=_parse_date(value("until"), "until"),
            category=value("category"),
            city=value("city"),
            language=value("language"),
        )


def _parse_date(raw: str | None, field: str) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{field}: not a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Row:
    """One group: its key values by dimension name (in the order asked) and its size."""

    group: Mapping[str, str | None]
    count: int

    @property
    def shown(self) -> str:
        return shown(self.count)


@dataclass(frozen=True)
class ResponseTimes:
    """Hours from a case's creation to its first message to the client.

    ``n`` counts cases that got a reply; below SUPPRESS_BELOW the times are None.
    p90 uses linear interpolation between order statistics (numpy's default,
    ``statistics.quantiles(method="inclusive")``): hours 1..10 give median 5.5, p90 9.1.
    """

    n: int
    median_hours: float | None
    p90_hours: float | None
    shown_n: str


@dataclass(frozen=True)
class Ratings:
    """Ratings 1-5: distribution cells as display strings ("<5" for 1-4), all five present."""

    n: int
    shown_n: str
    average: float | None
    distribution: dict[int, str]


# --- queries -------------------------------------------------------------------------


def _conditions(filters: Filters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Case.status != CaseStatus.CANCELLED]
    if filters.since is not None:
        where.append(Case.created_at >= datetime.combine(filters.since, time.min, tzinfo=UTC))
    # date.max has no next day; it means "no upper bound".
    if filters.until is not None and filters.until < date.max:
        next_day = filters.until + timedelta(days=1)
        where.append(Case.created_at < datetime.combine(next_day, time.min, tzinfo=UTC))
    if filters.category is not None:
        where.append(Case.category == filters.category)
    if filters.city is not None:
        where.append(Case.city == filters.city)
    if filters.language is not None:
        where.append(Case.language == filters.language)
    return where


def _key(session: Session, name: str) -> ColumnElement[Any]:
    if name == "month":
        # Constants as literal SQL, not bound parameters: PostgreSQL only accepts the
        # GROUP BY expression if it is textually the selected one, and psycopg would
        # number the two sets of parameters differently.
        if session.get_bind().dialect.name == "postgresql":
            # to_char formats in the session's time zone; the month is the UTC one.
            utc = func.timezone(literal_column("'UTC'"), Case.created_at)
            return func.to_char(utc, literal_column("'YYYY-MM'"))
        # SQLite stores UtcDateTime as naive UTC text, which strftime reads as is.
        return func.strftime(literal_column("'%Y-%m'"), Case.created_at)
    columns: dict[str, ColumnElement[Any]] = {
        "category": Case.category.expression,
        "subcategory": Case.subcategory.expression,
        "city": Case.city.expression,
        "language": Case.language.expression,
    }
    return columns[name]


def _check_dimensions(by: Sequence[str]) -> None:
    unknown = [name for name in by if name not in DIMENSIONS]
    if unknown or len(set(by)) != len(by):
        raise ValueError(f"by: expected distinct names from {', '.join(DIMENSIONS)}")


def _sort_key(values: Iterable[str | None]) -> tuple[tuple[bool, str], ...]:
    # In Python, not SQL: the two databases put NULLs at opposite ends.
    return tuple((value is None, value or "") for value in values)


def counts(factory: sessionmaker[Session], filters: Filters, by: tuple[str, ...] = ()) -> list[Row]:
    """Cases per group of ``by`` (any of DIMENSIONS; none gives one total row), sorted by key."""
    _check_dimensions(by)
    with factory() as session:
        keys = [_key(session, name).label(name) for name in by]
        statement = select(*keys, func.count(Case.id)).where(*_conditions(filters)).group_by(*keys)
        result = session.execute(statement).all()
    rows = [Row(dict(zip(by, row[:-1], strict=True)), int(row[-1])) for row in result]
    return sorted(rows, key=lambda row: _sort_key(row.group.values()))


def _first_reply() -> Subquery:
    """Each replied case's id and the time of its first message to the client."""
    return (
        select(CaseMessage.case_id, func.min(CaseMessage.created_at).label("at"))
        .where(CaseMessage.direction == MessageDirection.TO_CLIENT)
        .group_by(CaseMessage.case_id)
        .subquery()
    )


def _response_times_in_sql(
    factory: sessionmaker[Session], filters: Filters, by: str | None
) -> dict[str | None, ResponseTimes] | None:
    """PostgreSQL: n, median and p90 per group from the database (percentile_cont
    interpolates as ``_times`` does), so the page fetches a row per group rather than
    one per replied case: with 10,000 cases, half the time and far less garbage for
    the collector. None elsewhere (SQLite has no percentile_cont)."""
    first_reply = _first_reply()
    with factory() as session:
        if session.get_bind().dialect.name != "postgresql":
            return None
        # To the second, as on SQLite.
        seconds = func.round(func.extract("epoch", first_reply.c.at - Case.created_at))
        hours = cast(seconds, Float) / 3600
        key = _key(session, by).label(by) if by is not None else literal_column("NULL")
        statement = (
            select(
                key,
                func.count(),
                func.percentile_cont(0.5).within_group(hours),
                func.percentile_cont(0.9).within_group(hours),
            )
            .join(first_reply, first_reply.c.case_id == Case.id)
            .where(*_conditions(filters))
        )
        if by is not None:
            statement = statement.group_by(key)
        rows = session.execute(statement).all()
    return {group: _summary(int(n), median, p90) for group, n, median, p90 in rows}


def _response_hours(
    factory: sessionmaker[Session], filters: Filters, by: str | None
) -> list[tuple[str | None, float]]:
    """(group key, hours to first reply) for every case with a reply (SQLite)."""
    first_reply = _first_reply()
    with factory() as session:
        # The difference in SQL: one float per case is far cheaper to fetch than two datetimes.
        days = func.julianday(first_reply.c.at) - func.julianday(Case.created_at)
        hours: ColumnElement[float] = cast(days * 24, Float)
        key = _key(session, by) if by is not None else literal_column("NULL")
        statement = (
            select(key, hours)
            .join(first_reply, first_reply.c.case_id == Case.id)
            .where(*_conditions(filters))
        )
        rows = session.execute(statement).all()
    # To the second: julianday's floating point is off by milliseconds on SQLite.
    return [(group, round(float(value) * 3600) / 3600) for group, value in rows]


def _summary(n: int, median: float | None, p90: float | None) -> ResponseTimes:
    if n < SUPPRESS_BELOW:
        return ResponseTimes(n, None, None, shown(n))
    return ResponseTimes(n, median, p90, shown(n))


def _times(hours: list[float]) -> ResponseTimes:
    if len(hours) < SUPPRESS_BELOW:
        return _summary(len(hours), None, None)
    deciles = statistics.quantiles(hours, n=10, method="inclusive")
    return _summary(len(hours), statistics.median(hours), deciles[8])


def first_response(factory: sessionmaker[Session], filters: Filters) -> ResponseTimes:
    """Median and 90th percentile of the hours to the first reply, over replied cases."""
    in_sql = _response_times_in_sql(factory, filters, None)
    if in_sql is not None:
        return in_sql[None]  # no GROUP BY: exactly one row, n=0 when nothing matches
    return _times([hours for _, hours in _response_hours(factory, filters, None)])


def first_response_by(
    factory: sessionmaker[Session], filters: Filters, by: str
) -> list[tuple[str | None, ResponseTimes]]:
    """``first_response`` per value of one dimension (groups with a reply only), sorted."""
    _check_dimensions((by,))
    in_sql = _response_times_in_sql(factory, filters, by)
    if in_sql is not None:
        return sorted(in_sql.items(), key=lambda item: _sort_key((item[0],)))
    groups: dict[str | None, list[float]] = {}
    for group, hours in _response_hours(factory, filters, by):
        groups.setdefault(group, []).append(hours)
    ordered = sorted(groups.items(), key=lambda item: _sort_key((item[0],)))
    return [(group, _times(hours)) for group, hours in ordered]


def ratings(factory: sessionmaker[Session], filters: Filters) -> Ratings:
    """The clients' 1-5 ratings (rated, non-cancelled cases): how many, average, distribution."""
    with factory() as session:
        result = session.execute(
            select(Case.rating, func.count(Case.id))
            .where(*_conditions(filters), Case.rating.is_not(None))
            .group_by(Case.rating)
        ).all()
    per_rating = {rating: count for rating, count in result if rating is not None}
    n = sum(per_rating.values())
    average = (
        sum(rating * count for rating, count in per_rating.items()) / n
        if n >= SUPPRESS_BELOW
        else None
    )
    distribution = {rating: shown(per_rating.get(rating, 0)) for rating in range(1, 6)}
    return Ratings(n, shown(n), average, distribution)


# --- output ----------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: Iterable[Row], columns: Sequence[str]) -> str:
    """CSV of ``columns`` (group keys) plus a "count" column holding ``shown``, never ``count``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(name) for name in [*columns, "count"]])
    for row in rows:
        writer.writerow([*(_csv_cell(row.group[name]) for name in columns), row.shown])
    return buffer.getvalue()


# Characters XML 1.0 forbids (and lone surrogates): html.escape keeps them, parsers reject them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_WIDTH = 640
_LABEL_WIDTH = 200
_BAR_AREA = 360
_ROW_HEIGHT = 22
_TOP = 34
_SMALL_BAR = 8
_LABEL_CHARS = 30


def _xml_text(text: str) -> str:
    return html.escape(_NOT_XML.sub("", text), quote=True)


def bar_chart_svg(
    labels_and_values: Sequence[tuple[str, int]], title: str, *, other_label: str = "other"
) -> str:
    """A horizontal bar chart as standalone SVG, for a page with a strict CSP.

    No scripts, no style attributes or elements: presentation attributes only. Bars,
    labels and the scale use only the published values (bot.services.disclosure): a
    suppressed value gets a dashed light bar of fixed width labelled "<5", and a bar of
    7 is exactly as long as one of 6. Past MAX_BARS, the remaining items are summed
    into one ``other_label`` bar.
    """
    items = [(label, max(0, value)) for label, value in labels_and_values]
    if len(items) > MAX_BARS:
        rest = sum(value for _, value in items[MAX_BARS - 1 :])
        items = [*items[: MAX_BARS - 1], (other_label, rest)]
    published = [(label, disclosure.published(value)) for label, value in items]
    scale = max((value or 0 for _, value in published), default=0)
    height = _TOP + _ROW_HEIGHT * max(len(items), 1) + 8
    escaped_title = _xml_text(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_WIDTH}" '
        f'height="{height}" viewBox="0 0 {_WIDTH} {height}" '
        'font-family="sans-serif" font-size="12" fill="#1a1a1a">',
        f"<title>{escaped_title}</title>",
        f'<text x="0" y="18" font-size="14" font-weight="bold">{escaped_title}</text>',
    ]
    for index, (label, value) in enumerate(published):
        y = _TOP + index * _ROW_HEIGHT
        if len(label) > _LABEL_CHARS:
            label = label[: _LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{_xml_text(label)}</text>'
        )
        if value is None:
            width = _SMALL_BAR
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{_ROW_HEIGHT - 6}" '
                'fill="#e8e8e8" stroke="#808080" stroke-dasharray="2 2"/>'
            )
        else:
            width = max(1, round(_BAR_AREA * value / scale)) if value and scale else 0
            if width:
                parts.append(
                    f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{width}" '
                    f'height="{_ROW_HEIGHT - 6}" fill="#2b6cb0"/>'
                )
        text = disclosure.SUPPRESSED if value is None else str(value)
        parts.append(f'<text x="{_LABEL_WIDTH + width + 6}" y="{y + 15}">{_xml_text(text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
