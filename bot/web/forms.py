"""Form values to typed values, and problem codes to sentences in the account's language."""

from __future__ import annotations

from datetime import date

from bot.i18n import Translator
from bot.services.faq_markup import MarkupProblem
from bot.services.records import Problem


def parse_date(value: str) -> date | None:
    """'' → None; 'YYYY-MM-DD' → date; anything else raises ValueError."""
    value = value.strip()
    if not value:
        return None
    if len(value) != 10:
        raise ValueError(value)
    parsed = date.fromisoformat(value)
    if not 2000 <= parsed.year <= 2100:
        raise ValueError(value)
    return parsed


def problem_text(t: Translator, problem: MarkupProblem) -> str:
    """One problem as a sentence naming the line, in the account's language."""
    line, detail = problem.line, problem.detail
    messages = {
        "empty": lambda: t._("This cannot be empty."),
        "too_long": lambda: t._("Too long: at most {n} characters.", n=detail),
        "too_many": lambda: t._("At most {n} ways of asking.", n=detail),
        "unknown_tag": lambda: t._(
            "Line {line}: {tag} is not allowed. Use only <b>, <i> and <a href=\"https://…\">.",
            line=line, tag=detail,
        ),
        "unclosed_tag": lambda: t._(
            "Line {line}: {tag} is opened but never closed.", line=line, tag=detail
        ),
        "stray_closing_tag": lambda: t._(
            "Line {line}: {tag} closes something that is not open.", line=line, tag=detail
        ),
        "bad_link": lambda: t._(
            "Line {line}: write links as <a href=\"https://…\">text</a>.", line=line
        ),
        "bad_slug": lambda: t._("Use 3 to 56 small letters, digits and single dashes between them."),
        "bad_choice": lambda: t._("Choose one of the options."),
        "bad_date": lambda: t._("Write the date as 2026-12-31."),
        "taken": lambda: t._("Another entry already uses this name."),
        "not_found": lambda: t._("This entry no longer exists."),
    }  # fmt: skip
    make = messages.get(problem.code)
    return make() if make else t._("Line {line}: this is not valid.", line=line)


def record_problem_text(t: Translator, problem: Problem) -> str:
    """A problem of a partner, staff member or routing rule (bot/services/records.py)."""
    by_code = {
        "no_place": lambda: t._("Choose a city, or mark the partner as working online."),
        "no_kind": lambda: t._("Choose at least one kind of help."),
        "fallback_takes_cases": lambda: t._(
            "This is the queue for the cases no rule covers: it must take cases."
        ),
        "takes_no_cases": lambda: t._(
            "{partner} takes no cases: list only partners that do.", partner=problem.detail
        ),
        "wrong_category": lambda: t._("This subcategory belongs to another kind of help."),
    }
    by_field = {
        "name_pl": lambda: t._("Write a name of at most 200 characters."),
        "name_en": lambda: t._("Write a name of at most 200 characters."),
        "languages": lambda: t._("Choose at least one language."),
        "website": lambda: t._("A web address starts with https://"),
        "capacity": lambda: t._("A whole number, or empty for no limit."),
        "partners": lambda: t._("List partners by their short names, separated by commas."),
        "display_name": lambda: t._("Write a name of at most 120 characters."),
        "telegram_user_id": lambda: t._(
            "A Telegram id is a number (the person can get it from @userinfobot)."
        ),
    }
    make = by_code.get(problem.code) or by_field.get(problem.field)
    return make() if make else t._("Choose one of the options.")


def variants_of(value: str) -> tuple[str, ...]:
    """One way of asking per line; blank lines dropped."""
    return tuple(line.strip() for line in value.splitlines() if line.strip())
