"""What a case action answers: done, or refused with a coded reason.

Services return a reason, never a sentence; every channel (the Telegram group, the
web console, the terminal) shows the reason through `refusal_text`, so the same refusal
reads the same everywhere. Another partner's case is refused as NOT_FOUND, exactly like
a reference that does not exist: staff cannot probe which references exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import Translator


class RefusalReason(StrEnum):
    NOT_FOUND = "not_found"  # no such case, or another partner's: the same answer
    STAFF_INACTIVE = "staff_inactive"
    ALREADY_TAKEN = "already_taken"
    NOT_TAKEN = "not_taken"  # still new: take it before writing to the person or closing
    NOT_OPEN = "not_open"  # closed or cancelled
    NOT_CLOSED = "not_closed"
    REOPEN_WINDOW_PASSED = "reopen_window_passed"
    PERSON_ERASED = "person_erased"  # the person erased their data: nobody to write to
    UNKNOWN_PARTNER = "unknown_partner"
    SAME_PARTNER = "same_partner"
    PARTNER_NOT_ACCEPTING = "partner_not_accepting"
    INVALID_RATING = "invalid_rating"


@dataclass(frozen=True)
class Done:
    """The action happened."""


@dataclass(frozen=True)
class Transferred(Done):
    """The case went to another partner's queue; their name as people see it in Poland."""

    partner_name: str


@dataclass(frozen=True)
class Refused:
    """Nothing changed, for this reason. (A Refused is truthy like any object: ask
    `isinstance(result, Refused)`, never `if result:`.)"""

    reason: RefusalReason


def refusal_text(reason: RefusalReason, t: Translator) -> str:
    """The one sentence staff read for a refusal, in the translator's language."""
    match reason:
        case RefusalReason.NOT_FOUND:
            return t._("There is no case with this reference in your organisation's queue.")
        case RefusalReason.STAFF_INACTIVE:
            return t._("Your staff account is switched off. Ask a coordinator.")
        case RefusalReason.ALREADY_TAKEN:
            return t._("Someone else has already taken this case.")
        case RefusalReason.NOT_TAKEN:
            return t._("Take this case first: nobody has taken it yet.")
        case RefusalReason.NOT_OPEN:
            return t._("This case is already closed or cancelled.")
        case RefusalReason.NOT_CLOSED:
            return t._("Only a closed case can be reopened.")
        case RefusalReason.REOPEN_WINDOW_PASSED:
            return t._("A case can be reopened within 14 days of closing.")
        case RefusalReason.PERSON_ERASED:
            return t._("The person has deleted their data, so nothing can be sent to them.")
        case RefusalReason.UNKNOWN_PARTNER:
            return t._("There is no partner with this short name.")
        case RefusalReason.SAME_PARTNER:
            return t._("This case is already with this partner.")
        case RefusalReason.PARTNER_NOT_ACCEPTING:
            return t._("This partner does not take cases at the moment.")
        case RefusalReason.INVALID_RATING:
            return t._("A rating is a number from 1 to 5.")
