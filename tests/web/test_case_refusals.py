"""A refused case action on the console's case page reads as the catalog sentence for
its reason: the same sentence the Telegram group gets (tests/telegram/test_staff_refusals.py)."""

from __future__ import annotations

import html
import re

import httpx

from bot.domain import Channel, ConsoleRole
from bot.i18n import translator
from bot.services import cases, clients
from bot.services.results import RefusalReason, refusal_text
from tests.web.conftest import PASSWORD, Console, make_account

LOCALE = "pl"  # the same locale as the Telegram staff side in its test


def _signed_in(console: Console, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=console.url, timeout=30)
    login = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
    signed = client.post("/login", data={"csrf": token, "email": email, "password": PASSWORD})
    assert signed.status_code == 303
    page = client.get("/account")
    return client, re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def test_refusals_on_the_case_page_are_the_catalog_sentences(console: Console) -> None:
    factory = console.storage.session_factory
    clients.save_client(factory, Channel.TERMINAL, "web-refusals", "uk", consent=True)
    reference = cases.create_case(
        factory,
        Channel.TERMINAL,
        "web-refusals",
        cases.NewCase("legal", "legal_work", "uk", "Lublin", False, (), 0.9, ("umowa",), None),
    ).reference  # homo-faber's queue
    email = make_account(
        console.storage, "anna@homofaber.example", ConsoleRole.STAFF, "homo-faber", LOCALE
    )
    client, csrf = _signed_in(console, email)
    t = translator(LOCALE)

    def refused_with(action: str, why: RefusalReason, **fields: str) -> None:
        page = client.post(f"/cases/{reference}/{action}", data={"csrf": csrf, **fields})
        assert page.status_code == 409, (action, page.status_code)
        assert refusal_text(why, t) in html.unescape(page.text), (action, why)

    refused_with("reply", RefusalReason.NOT_TAKEN, text="Dzień dobry")
    refused_with("close", RefusalReason.NOT_TAKEN)
    for _ in range(2):  # a double click takes it once, without a refusal
        assert client.post(f"/cases/{reference}/take", data={"csrf": csrf}).status_code == 303
    refused_with("reopen", RefusalReason.NOT_CLOSED)
    refused_with("transfer", RefusalReason.UNKNOWN_PARTNER, partner="nobody", reason="bo tak")
    refused_with("transfer", RefusalReason.SAME_PARTNER, partner="homo-faber", reason="bo tak")
