"""The little formatting FAQ answers may use, checked the way Telegram would check it.

Coordinators write plain text with <b>, <i> and <a href="https://…"> and lists as lines
starting with "• ", "- " or "1. ". Everything else is shown as typed: the bot escapes
the text and lets only these tags through, so what Telegram receives always parses.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_ANSWER = 3500  # leaves room in one Telegram message (4096) for the bot's notes
MAX_QUESTION = 300
MAX_VARIANT = 300
MAX_VARIANTS = 40
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_HREF = re.compile(r'^\s+href\s*=\s*"([^"<>\s]+)"\s*$')
_ALLOWED_SCHEMES = ("https://", "http://", "tg://", "mailto:")


@dataclass(frozen=True)
class MarkupProblem:
    """One thing Telegram would refuse or show wrongly; ``code`` picks the message."""

    line: int
    code: str  # unknown_tag | unclosed_tag | stray_closing_tag | bad_link | too_long | empty
    detail: str


def check_answer(text: str) -> list[MarkupProblem]:
    problems: list[MarkupProblem] = []
    if not text.strip():
        return [MarkupProblem(1, "empty", "")]
    if len(text) > MAX_ANSWER:
        return [MarkupProblem(1, "too_long", str(MAX_ANSWER))]
    open_tags: list[tuple[str, int]] = []
    for match in _TAG.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        closing, name, rest = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if name not in ("b", "i", "a"):
            problems.append(MarkupProblem(line, "unknown_tag", f"<{match.group(2)}>"))
            continue
        if closing:
            if not open_tags or open_tags[-1][0] != name:
                problems.append(MarkupProblem(line, "stray_closing_tag", f"</{name}>"))
            else:
                open_tags.pop()
            continue
        if name == "a":
            href = _HREF.match(rest)
            if href is None or not href.group(1).lower().startswith(_ALLOWED_SCHEMES):
                problems.append(MarkupProblem(line, "bad_link", match.group(0)[:80]))
                continue
            if any(tag == "a" for tag, _ in open_tags):
                problems.append(MarkupProblem(line, "bad_link", match.group(0)[:80]))
                continue
        elif rest.strip():
            problems.append(MarkupProblem(line, "unknown_tag", match.group(0)[:80]))
            continue
        open_tags.append((name, line))
    problems.extend(MarkupProblem(line, "unclosed_tag", f"<{tag}>") for tag, line in open_tags)
    return problems


def check_line(text: str, limit: int) -> list[MarkupProblem]:
    """Questions and the ways people ask: plain text on one line."""
    if not text.strip():
        return [MarkupProblem(1, "empty", "")]
    if len(text) > limit:
        return [MarkupProblem(1, "too_long", str(limit))]
    return []


def to_telegram_html(text: str) -> str:
    """The answer as Telegram HTML: escaped, with the allowed tags restored.

    Only call on text that passed ``check_answer``; anything else stays escaped text.
    Tags are found the way ``check_answer`` finds them and written out in the one
    spelling Telegram accepts, so every tag it let through comes back (``<B>``,
    ``<b >``, a link with ``'`` or ``&&`` in it) and the output stays balanced.
    """
    parts: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        parts.append(html.escape(text[position : match.start()], quote=True))
        parts.append(_allowed_tag(match) or html.escape(match.group(0), quote=True))
        position = match.end()
    parts.append(html.escape(text[position:], quote=True))
    return "".join(parts)


def _allowed_tag(match: re.Match[str]) -> str | None:
    """The tag as Telegram HTML when ``check_answer`` would accept it, else None."""
    closing, name, rest = match.group(1) == "/", match.group(2).lower(), match.group(3)
    if name not in ("b", "i", "a"):
        return None
    if closing:
        return f"</{name}>"
    if name != "a":
        return None if rest.strip() else f"<{name}>"
    href = _HREF.match(rest)
    if href is None or not href.group(1).lower().startswith(_ALLOWED_SCHEMES):
        return None
    return f'<a href="{html.escape(href.group(1), quote=True)}">'
