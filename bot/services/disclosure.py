"""Disclosure control: how any count about people may leave the server.

The rule, for every statistic Razem publishes (the Insights page, its charts, its CSV
and any later report): a count of 0 is shown as 0, a count from 1 to 4 is shown only
as "<5", and every other count is rounded to the nearest multiple of 5 — totals and
margins as well as cells. Hiding small cells alone is not enough: an exact total
beside exact category counts gives a hidden cell away by one subtraction (total 7,
legal 5, so social is 2). Once every published number is a multiple of 5, any sum or
difference of published numbers is a multiple of 5 too, so no subtraction between
totals, margins and cells of the same period can produce a count from 1 to 4.

Callers keep exact counts for sorting and summing inside the server and turn them into
what may be shown here, at the last moment, through ``published`` or ``shown``.
"""

from __future__ import annotations

BASE = 5
SUPPRESS_BELOW = 5
SUPPRESSED = f"<{SUPPRESS_BELOW}"


def is_suppressed(count: int) -> bool:
    """A count that may not be shown at all, not even rounded."""
    return 0 < count < SUPPRESS_BELOW


def published(count: int) -> int | None:
    """The number that may be shown for ``count``: 0, None (suppressed) or a multiple of BASE.

    Rounded half up; with BASE 5 no integer lies halfway, so 7 → 5 and 8 → 10.
    """
    if count <= 0:
        return 0
    if is_suppressed(count):
        return None
    return (count + BASE // 2) // BASE * BASE


def shown(count: int) -> str:
    """``published`` as text: "0", "<5", "10", "1235"…"""
    value = published(count)
    return SUPPRESSED if value is None else str(value)
