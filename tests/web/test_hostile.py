"""Hostile input on every route and form: oversized text, wrong types, unknown ids,
another partner's ids, control characters. The console never answers 500."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select
from starlette.routing import Mount, Route

from bot.domain import ConsoleRole
from bot.storage.models import AuditEntry, Case, Partner
from tests.web.conftest import PASSWORD, Console, make_account

HUGE = "ą" * 5_000  # × every field: near the body limit; single huge fields below
VALUES = ["", "0", "-1", "1", "99999999999999999999", "abc", "2026-13-45", "\x00\x01\x7f",
          "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "🙂" * 50,
          "9" * 400, HUGE]  # fmt: skip
FIELDS = ["csrf", "email", "password", "repeat", "next", "language", "text", "reason",
          "partner", "action", "slug", "category", "subcategory", "source_language",
          "reviewed_by", "reviewed_on", "expires_on", "review_note", "question_uk",
          "variants_uk", "answer_uk", "answer_pl", "current_ru", "revision", "format",
          "confirm", "payload", "name_pl", "name_en", "capacity", "website", "contact",
          "city_Lublin", "kind_legal", "language_uk", "online", "takes_cases",
          "display_name", "telegram_user_id", "role", "active", "position", "city",
          "targets", "delete", "note"]  # fmt: skip
HOSTILE_QUERY = {"tab": "closed", "category": "x" * 5000, "since": "2026-99", "older_than": "x",
                 "by": "month,<b>,city", "language": "\x00", "partner": "'; DROP TABLE cases"}  # fmt: skip
PATH_VALUES = ["1", "0", "999999999", "-1", "abc", "W-1", "sip", "consortium", "x" * 3000,
               "%00", "..%2F..%2Fetc", "<script>", "take", "reply"]  # fmt: skip


def _requests(
    console: Console, csrf: str, real: dict[str, str]
) -> list[tuple[str, str, dict[str, str]]]:
    """Every route of the app with its parameters filled with hostile values (and once
    with real ones, which gets every hostile form)."""
    requests = []
    for route in console.app.routes:
        if isinstance(route, Mount) or not isinstance(route, Route) or route.path == "/logout":
            continue  # signing out midway would turn the rest into redirects to /login
        names = re.findall(r"{(\w+)(?::\w+)?}", route.path)
        combos = [{name: real.get(name, "1") for name in names}]
        if names:
            combos += [{name: value for name in names} for value in PATH_VALUES]
        for number, combo in enumerate(combos):
            path = route.path
            for name, value in combo.items():
                path = re.sub("{" + name + r"(?::\w+)?}", value, path)
            methods = route.methods or {"GET"}
            if "GET" in methods:
                requests.append(("GET", path, {}))
                requests.append(("GET", path, HOSTILE_QUERY))
            if "POST" in methods:
                requests.append(("POST", path, {"csrf": csrf}))
                values = VALUES if number == 0 else [VALUES[number % len(VALUES)]]
                requests += [
                    ("POST", path, {n: v for n in FIELDS} | {"csrf": csrf}) for v in values
                ]
    return requests


def _client(console: Console, email: str | None) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=console.url, timeout=30)
    if email is not None:
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        signed = client.post("/login", data={"csrf": token, "email": email, "password": PASSWORD})
        assert signed.status_code == 303
    page = client.get("/account" if email else "/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    return client, csrf.group(1) if csrf else ""


@pytest.mark.parametrize("who", ["coordinator", "staff", "viewer", "anonymous"])
def test_no_route_answers_500_to_hostile_input(console: Console, who: str) -> None:
    storage = console.storage
    with storage.session_factory.begin() as session:
        sip = session.scalars(select(Partner).where(Partner.slug == "sip")).one()
        other = session.scalars(select(Partner).where(Partner.slug == "homo-faber")).one()
        case = Case(reference="L-9001", partner_id=other.id, category="legal", language="uk",
                    city="Lublin", summary="<img src=x onerror=alert(1)>")  # fmt: skip
        session.add(case)
        sip_id = sip.id
    assert sip_id
    emails = {"coordinator": "c@example.org", "staff": "s@sip.example", "viewer": "v@example.org"}
    roles = {
        "coordinator": ConsoleRole.COORDINATOR,
        "staff": ConsoleRole.STAFF,
        "viewer": ConsoleRole.VIEWER,
    }
    email = None
    if who != "anonymous":
        email = make_account(storage, emails[who], roles[who], "sip" if who == "staff" else None)
    client, csrf = _client(console, email)
    failures = []
    statuses = set()
    real = {"reference": "L-9001", "slug": "sip", "action": "take", "fmt": "po", "token": "x"}
    for method, path, data in _requests(console, csrf, real):
        if method == "GET":
            response = client.get(path, params=data)
        else:
            response = client.post(path, data=data)
        statuses.add(response.status_code)
        if response.status_code >= 500:
            failures.append((method, path[:80], response.status_code))
    # A multipart upload of garbage, and a body larger than the limit.
    if email:
        junk = client.post("/faq/import", data={"csrf": csrf, "language": "uk", "format": "po"},
                           files={"file": ("x.po", b"\xff\xfe\x00garbage" * 1000)})  # fmt: skip
        statuses.add(junk.status_code)
        assert junk.status_code < 500
        for name in ("answer_uk", "text", "name_pl", "reason", "payload"):
            single = client.post("/faq/1", data={"csrf": csrf, name: "ż" * 400_000})
            assert single.status_code < 500
        big = client.post("/faq/1", content=b"a=" + b"x" * 3_000_000,
                          headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert big.status_code == 413
    assert failures == [], failures[:20]
    if email is not None:  # still signed in: the requests above reached the pages
        assert client.get("/account").status_code == 200
    assert statuses & {200, 303}  # the requests did reach real pages
    if who == "staff":
        client, csrf = _client(console, email)  # the run above also signed out
        # Another partner's case: refused as if missing, and audited, whatever the action.
        assert client.get("/cases/L-9001").status_code == 404
        assert client.post("/cases/L-9001/take", data={"csrf": csrf}).status_code == 404
        missing = client.get("/cases/L-9999")
        assert missing.status_code == 404
        unstable = r'(nonce|value)="[^"]*"'  # per-request tokens, nothing about the case
        assert re.sub(unstable, "", client.get("/cases/L-9001").text) == re.sub(
            unstable, "", missing.text
        )
        with storage.session_factory() as session:
            denied = session.scalars(select(AuditEntry.actor).where(
                AuditEntry.action == "case_access_denied", AuditEntry.entity_id == "L-9001")).all()  # fmt: skip
            assert "console:s@sip.example" in denied
            assert (
                session.scalars(select(Case.status).where(Case.reference == "L-9001")).one().value
                == "new"
            )
