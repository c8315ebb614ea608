"""Bidi overrides and invisible characters in a person's words cannot spoof what staff
read: removed for display in the console and in anything the Telegram side renders."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain import ConsoleRole, MessageDirection
from bot.flows.actions import Reply
from bot.storage.models import Case, CaseMessage, Partner
from bot.telegram.render import to_html
from bot.text_safety import FSI, PDI, for_display, isolated
from tests.web.conftest import Console, make_account
from tests.web.test_hostile import _client

# "Pay to account gpj.exe" shown as "exe.jpg": U+202E reverses what follows it.
SPOOF = "invoice\u202egpj.exe and \u200bhidden\u200d\u2066x\u2069 \u200fmark\ufeff\x1b[31m"
INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\u061c\u2060\ufeff\x1b\x7f\x85"  # fmt: skip


def test_bidi_controls_and_invisible_characters_are_removed() -> None:
    assert for_display(SPOOF) == "invoicegpj.exe and hiddenx mark[31m"
    assert not set(INVISIBLE) & set(for_display("a" + INVISIBLE + "b"))
    # What people really write is left alone: newlines, tabs, Arabic, emoji made of several
    # characters joined by U+200D.
    for text in ("рядок 1\nрядок 2\tкінець", "مرحبا Olena", "👩\u200d👩\u200d👧 sim", "Łódź"):
        assert for_display(text) == text
    assert isolated("مرحبا") == f"{FSI}مرحبا{PDI}"
    assert isolated("a\u202eb") == f"{FSI}ab{PDI}"


def test_telegram_replies_carry_no_bidi_override() -> None:
    html = to_html(Reply(text=f"Case W-1: {SPOOF}"))
    assert "\u202e" not in html and "\u200b" not in html and "gpj.exe" in html


def test_the_console_shows_a_persons_words_without_bidi_tricks(console: Console) -> None:
    make_account(console.storage, "coord@example.org", ConsoleRole.COORDINATOR)
    with console.storage.session_factory.begin() as session:
        partner = session.scalars(select(Partner)).first()
        assert partner is not None
        case = Case(reference="W-SPOOF1", partner_id=partner.id, category="legal", language="uk",
                    city="Lublin", summary=SPOOF)  # fmt: skip
        session.add(case)
        session.flush()
        session.add(
            CaseMessage(case_id=case.id, direction=MessageDirection.FROM_CLIENT, text=SPOOF)
        )
    client, _ = _client(console, "coord@example.org")
    for path in ("/cases", "/cases/W-SPOOF1"):
        page = client.get(path)
        assert page.status_code == 200 and "gpj.exe" in page.text, path
        assert not set(INVISIBLE) & set(page.text), path
    client.close()
