"""Control characters in the console's input, and the security headers on every error page."""

from __future__ import annotations

import asyncio
import concurrent.futures

import httpx
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.domain import ConsoleRole
from bot.web.security import HEADERS, SecurityHeaders
from tests.web.conftest import Console, make_account
from tests.web.test_hostile import FIELDS, _client, _requests

CONTROL = "a\x01b\x08c\x1bd\x7fe\x00f"
# Every C0 control except tab, newline and carriage return, and DEL.
CONTROL_CLASS = "[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"


def has_security_headers(response: httpx.Response) -> bool:
    return all(
        response.headers.get(name.decode()) == value.decode() for name, value in HEADERS.items()
    )


def test_queue_filters_with_control_bytes_do_not_fail(console: Console) -> None:
    make_account(console.storage, "coord@example.org", ConsoleRole.COORDINATOR)
    client, _ = _client(console, "coord@example.org")
    for query in ("city=%00", "city=%01", "category=%00&partner=%1b", "tab=%7f"):
        response = client.get(f"/cases?{query}")
        assert response.status_code in (200, 400), (query, response.status_code)
        assert has_security_headers(response)
    client.close()


def test_error_pages_keep_the_security_headers(console: Console) -> None:
    make_account(console.storage, "viewer@example.org", ConsoleRole.VIEWER)
    client, _ = _client(console, "viewer@example.org")
    for path, status in (("/no-such-page", 404), ("/cases", 403), ("/static/nothing.css", 404)):
        response = client.get(path)
        assert response.status_code == status and has_security_headers(response), path
    assert has_security_headers(client.delete("/insights"))  # 405, answered as 404
    client.close()


def test_a_crash_is_a_500_with_the_security_headers() -> None:
    async def broken(request: Request) -> Response:
        raise RuntimeError("a bug")

    app = Starlette(
        routes=[Route("/broken", broken)], middleware=[Middleware(SecurityHeaders, hsts=True)]
    )

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            return await client.get("/broken")

    # In a thread of its own: Playwright's sync API may keep a loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        response = pool.submit(asyncio.run, fetch()).result()
    assert response.status_code == 500
    assert has_security_headers(response)
    assert response.headers["cache-control"] == "no-store"
    assert "a bug" not in response.text


def test_control_bytes_never_reach_the_database(console: Console) -> None:
    make_account(console.storage, "coord@example.org", ConsoleRole.COORDINATOR)
    client, csrf = _client(console, "coord@example.org")
    for method, path, data in _requests(console, csrf, {}):
        if method == "POST":
            client.post(path, data={**{name: CONTROL for name in FIELDS}, **data, "csrf": csrf})
        else:
            client.get(path, params={name: CONTROL for name in ("city", "q", "actor", "since")})
    client.close()
    found = []
    with console.storage.engine.connect() as connection:
        columns = connection.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() "
                "AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
            )
        ).all()
        for table, column in columns:
            hits = connection.execute(
                text(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ~ :pattern'),
                {"pattern": CONTROL_CLASS},
            ).scalar()
            if hits:
                found.append(f"{table}.{column}")
    assert found == []
