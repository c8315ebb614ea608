"""FAQ answer markup: what coordinators may write, and the HTML Telegram receives."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from bot.flows.actions import Reply
from bot.seed.loader import read_seed_data
from bot.services.faq_markup import (
    _TAG,
    MAX_ANSWER,
    check_answer,
    check_line,
    to_telegram_html,
)
from bot.telegram.render import to_html
from tests.conftest import REPO

ACCEPTED = [
    "Just plain text, nothing special.",
    "Call <b>112</b> in an emergency.",
    "This is <i>free</i> of charge.",
    'See <a href="https://www.gov.pl">gov.pl</a> for details.',
    'Write to <a href="mailto:help@example.org">us</a>.',
    "Documents:\n• passport\n- PESEL\n1. photo\n2. form",
    "Children: if age < 18, a parent signs.",
    "Tom & Jerry > cats & dogs",
    'He said "hello" and it\'s fine',
    "<b>bold <i>and italic</i></b> then <i>italic</i>",
    '<a href="https://example.org/search?q=karta&lang=pl&page=2">search</a>',
    '<b><a href="https://example.org/x">bold link</a></b>',
    # Spellings check_answer lets through: they must come back as tags, too.
    "<B>upper case</B>",
    "<b >space inside</b>",
    '<a  href = "https://example.org/x">spaced attribute</a>',
    '<a href="https://example.org/it\'s">apostrophe in the link</a>',
    '<a href="https://example.org/?a=1&&b=2">double ampersand</a>',
    '<a href="https://example.org/?a=1&">trailing ampersand</a>',
    "Строка по-українськи з <b>жирним</b>\nі другий рядок",
    "x" * MAX_ANSWER,
]


def codes(text: str) -> list[tuple[str, int]]:
    return [(p.code, p.line) for p in check_answer(text)]


@pytest.mark.parametrize("text", ACCEPTED)
def test_plain_text_lists_and_the_allowed_tags_are_accepted(text: str) -> None:
    assert check_answer(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", [("unknown_tag", 1), ("unknown_tag", 1)]),
        ("fine\n<u>underlined</u>", [("unknown_tag", 2), ("unknown_tag", 2)]),
        ("a\nb\n<div>block</div>", [("unknown_tag", 3), ("unknown_tag", 3)]),
        ("<img src=x onerror=alert(1)>", [("unknown_tag", 1)]),
        # Attributes only on <a>, and only href.
        ("<b class=x>bold</b>", [("unknown_tag", 1), ("stray_closing_tag", 1)]),
        (
            '<a href="https://x.org" target="_blank">x</a>',
            [("bad_link", 1), ("stray_closing_tag", 1)],
        ),
        ("one\n<b>never closed", [("unclosed_tag", 2)]),
        ("<i>open\n\nstill open", [("unclosed_tag", 1)]),
        ("text</b>", [("stray_closing_tag", 1)]),
        ("<b><i>misnested</b></i>", [("stray_closing_tag", 1), ("unclosed_tag", 1)]),
        ("ok\n<b>x\n</i></b>", [("stray_closing_tag", 3)]),
        ('<a href="javascript:alert(1)">x</a>', [("bad_link", 1), ("stray_closing_tag", 1)]),
        ('<a href="JavaScript:alert(1)">x</a>', [("bad_link", 1), ("stray_closing_tag", 1)]),
        ("<a href='https://x.org'>single quotes</a>", [("bad_link", 1), ("stray_closing_tag", 1)]),
        ("<a>no href</a>", [("bad_link", 1), ("stray_closing_tag", 1)]),
        (
            'line\n<a href="https://a.org">outer <a href="https://b.org">inner</a></a>',
            [("bad_link", 2), ("stray_closing_tag", 2)],
        ),
    ],
)
def test_what_telegram_would_refuse_is_reported_with_its_line(
    text: str, expected: list[tuple[str, int]]
) -> None:
    assert codes(text) == expected


def test_the_details_name_the_offending_tag() -> None:
    (problem,) = check_answer("<b>open")
    assert problem.detail == "<b>"
    assert check_answer("x</i>")[0].detail == "</i>"
    assert check_answer("<u>x")[0].detail == "<u>"
    assert "javascript:" in check_answer('<a href="javascript:x()">y</a>')[0].detail


def test_empty_and_over_long_answers_are_refused() -> None:
    assert codes("") == [("empty", 1)]
    assert codes("  \n\t ") == [("empty", 1)]
    (too_long,) = check_answer("x" * (MAX_ANSWER + 1))
    assert (too_long.code, too_long.detail) == ("too_long", str(MAX_ANSWER))
    assert check_answer("x" * MAX_ANSWER) == []


def test_questions_and_variants_are_single_plain_lines_with_a_limit() -> None:
    assert check_line("Як подати на карту побиту?", 300) == []
    assert [p.code for p in check_line(" ", 300)] == ["empty"]
    assert [p.code for p in check_line("x" * 301, 300)] == ["too_long"]


def test_everything_else_is_escaped_and_the_allowed_tags_restored() -> None:
    assert to_telegram_html("<script>alert(1)</script>") == (
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert to_telegram_html("Tom & Jerry") == "Tom &amp; Jerry"
    assert to_telegram_html("if age < 18") == "if age &lt; 18"
    assert to_telegram_html("<b>112</b> & <i>free</i>") == "<b>112</b> &amp; <i>free</i>"
    assert to_telegram_html("<u>x</u> <b class=x>y</b>") == (
        "&lt;u&gt;x&lt;/u&gt; &lt;b class=x&gt;y</b>"
    )
    assert to_telegram_html("• one\n- two\n1. three") == "• one\n- two\n1. three"


def test_a_link_with_a_query_string_keeps_working() -> None:
    url = "https://example.org/search?q=karta&lang=pl"
    out = to_telegram_html(f'<a href="{url}">search</a> & more')
    assert out == ('<a href="https://example.org/search?q=karta&amp;lang=pl">search</a> &amp; more')
    links = parse(out).links
    assert links == [url]  # the browser / Telegram reads the & back


def test_a_refused_link_stays_text() -> None:
    out = to_telegram_html('<a href="javascript:alert(1)">x</a>')
    assert "<a " not in out and "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in out


class Parsed(HTMLParser):
    """Tags and text of Telegram HTML, refusing anything Telegram would not take."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("b", "i", "a"):
            self.problems.append(f"unknown <{tag}>")
        if tag == "a":
            if [name for name, _ in attrs] != ["href"]:
                self.problems.append(f"a with {attrs}")
            self.links.append(attrs[0][1] or "")
        elif attrs:
            self.problems.append(f"<{tag}> with {attrs}")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"stray </{tag}>")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")


def parse(markup: str) -> Parsed:
    parser = Parsed()
    parser.feed(markup)
    parser.close()
    assert parser.problems == [] and parser.open == [], (markup, parser.problems, parser.open)
    return parser


def without_tags(text: str) -> str:
    """The visible text of an accepted answer: the tags check_answer found, removed."""
    return _TAG.sub("", text)


@pytest.mark.parametrize("text", ACCEPTED)
def test_every_accepted_answer_becomes_html_that_parses_with_only_the_allowed_tags(
    text: str,
) -> None:
    out = to_telegram_html(text)
    parsed = parse(out)
    assert "".join(parsed.text) == without_tags(text)
    opened = [p for p in ("<b>", "<i>", "<a ") if p in text.lower().replace("<b >", "<b>")]
    for tag in opened:
        assert tag in out, (tag, out)


def test_every_seeded_answer_is_accepted_and_renders() -> None:
    data = read_seed_data(REPO / "data")
    for entry in data.faq.entries:
        for language, translation in entry.translations.items():
            assert check_answer(translation.answer) == [], (entry.slug, language)
            assert "".join(parse(to_telegram_html(translation.answer)).text) == (
                without_tags(translation.answer)
            )


def test_rich_replies_are_rendered_with_the_faq_markup() -> None:
    text = '<b>112</b> & <a href="https://x.org/?a=1&b=2">link</a> <script>x</script>'
    assert to_html(Reply(text, rich=True)) == to_telegram_html(text)
    assert to_html(Reply(text, rich=True)) == (
        '<b>112</b> &amp; <a href="https://x.org/?a=1&amp;b=2">link</a> '
        "&lt;script&gt;x&lt;/script&gt;"
    )
    # Not rich: nothing survives, not even the vetted tags.
    assert to_html(Reply(text)) == html.escape(text, quote=False)
