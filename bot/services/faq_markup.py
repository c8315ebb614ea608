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
# After escaping: <b>, </b>, <i>, </i>, </a> and <a href="..."> come back as tags.
_ESCAPED_SIMPLE = re.compile(r"&lt;(/?)(b|i)&gt;|&lt;/a&gt;")
_ESCAPED_LINK = re.compile(r"&lt;a href=&quot;([^&\s]+(?:&amp;[^&\s]+)*)&quot;&gt;")


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
    """
    escaped = html.escape(text, quote=True)
    escaped = _ESCAPED_LINK.sub(lambda m: f'<a href="{m.group(1)}">', escaped)
    return _ESCAPED_SIMPLE.sub(
        lambda m: "</a>" if m.group(0) == "&lt;/a&gt;" else f"<{m.group(1)}{m.group(2)}>",
        escaped,
    )
