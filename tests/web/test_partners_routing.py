"""Coordinators edit partners, staff and routing rules: validated, audited, and the
routing page's gap warnings follow the rules."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from bot.domain import ConsoleRole
from bot.storage.models import AuditEntry, Partner, RoutingRule, StaffMember
from tests.web.conftest import Console, make_account
from tests.web.test_hostile import _client

SIP_FORM = {"name_pl": "Stowarzyszenie Interwencji Prawnej (SIP)", "name_en": "Association for Legal Intervention",
            "city_Warszawa": "1", "online": "1", "kind_legal": "1", "kind_social": "1",
            "language_pl": "1", "language_en": "1", "language_ru": "1", "language_uk": "1",
            "takes_cases": "1"}  # fmt: skip


def _gaps(page: str) -> set[str]:
    return {html.unescape(g) for g in re.findall(r'<p class="warning">([^<]*)</p>', page)}


def _audit(console: Console, action: str) -> list[AuditEntry]:
    with console.storage.session_factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_partner_edits_are_validated_and_audited(console: Console) -> None:
    make_account(console.storage, "c@example.org", ConsoleRole.COORDINATOR)
    client, csrf = _client(console, "c@example.org")
    refused = client.post("/partners/sip", data={**SIP_FORM, "kind_legal": "", "kind_social": "",
                                                 "website": "ftp://x", "csrf": csrf})  # fmt: skip
    assert refused.status_code == 400
    assert "Choose at least one kind of help." in refused.text and "https://" in refused.text
    saved = client.post("/partners/sip", data={**SIP_FORM, "name_en": "SIP Legal Aid", "capacity": "40",
                                               "csrf": csrf})  # fmt: skip
    assert saved.status_code == 303
    with console.storage.session_factory() as session:
        sip = session.scalars(select(Partner).where(Partner.slug == "sip")).one()
        assert (sip.name_en, sip.capacity, sip.kinds) == ("SIP Legal Aid", 40, ["legal", "social"])
    [entry] = _audit(console, "partner_updated")
    assert entry.before is not None and entry.after is not None
    assert (entry.before["name_en"], entry.after["name_en"]) == (
        "Association for Legal Intervention",
        "SIP Legal Aid",
    )

    bad = client.post("/partners/sip/staff", data={"display_name": "Ola", "telegram_user_id": "abc",
                                                   "role": "staff", "csrf": csrf})  # fmt: skip
    assert "Telegram id is a number" in client.get(bad.headers["location"]).text
    added = client.post("/partners/sip/staff", data={"display_name": "Ola", "telegram_user_id": "4242",
                                                     "role": "lead", "csrf": csrf})  # fmt: skip
    assert added.status_code == 303
    with console.storage.session_factory() as session:
        ola = session.scalars(select(StaffMember).where(StaffMember.display_name == "Ola")).one()
        assert (ola.telegram_user_id, ola.role.value, ola.active) == (4242, "lead", True)
    client.post(f"/partners/sip/staff/{ola.id}", data={"active": "0", "csrf": csrf})
    with console.storage.session_factory() as session:
        assert session.get(StaffMember, ola.id).active is False  # type: ignore[union-attr]


def test_a_rule_to_the_fallback_queue_shows_a_gap_until_it_is_deleted(console: Console) -> None:
    make_account(console.storage, "c@example.org", ConsoleRole.COORDINATOR)
    client, csrf = _client(console, "c@example.org")
    gap = "No partner covers legal help in Українська in Lublin."
    assert gap not in _gaps(client.get("/routing").text)
    bad = client.post("/routing/new", data={"position": "x", "targets": "nobody", "csrf": csrf})
    assert bad.status_code == 400 and "lower numbers are tried first" in bad.text
    created = client.post("/routing/new", data={"position": "0", "category": "legal", "city": "Lublin",
                                                "language": "uk", "targets": "consortium", "csrf": csrf})  # fmt: skip
    assert created.status_code == 303
    assert gap in _gaps(client.get("/routing").text)
    with console.storage.session_factory() as session:
        rule = session.scalars(select(RoutingRule).where(RoutingRule.position == 0)).one()
    [saved] = _audit(console, "routing_rule_saved")
    assert (
        saved.before is None
        and saved.after is not None
        and saved.after["targets"] == ["consortium"]
    )
    client.post(f"/routing/{rule.id}", data={"position": "0", "delete": "1", "csrf": csrf})
    assert gap not in _gaps(client.get("/routing").text)
    [deleted] = _audit(console, "routing_rule_deleted")
    assert deleted.before is not None and deleted.before["city"] == "Lublin"
