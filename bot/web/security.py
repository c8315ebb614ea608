"""What every console response carries: security headers, cookies, CSRF tokens.

CSRF: each form carries HMAC(secret, the browser's cookie token) — the session token
once signed in, a random pre-session token before. A post without it, or with one made
for another browser, is refused. Tokens change with the session at every sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
from urllib.parse import unquote_to_bytes

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

SESSION_COOKIE = "razem_session"
PRE_COOKIE = "razem_pre"
# No inline script anywhere; styles come from our own file; SVG charts are inline markup.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
    b"cross-origin-opener-policy": b"same-origin",
}


def csrf_token(secret: bytes, cookie_token: str) -> str:
    return hmac.new(secret, b"csrf|" + cookie_token.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, cookie_token: str | None, given: str | None) -> bool:
    if not cookie_token or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie_token), given)


def new_token() -> str:
    return secrets.token_urlsafe(32)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: str) -> tuple[Network, ...]:
    """RAZEM_TRUSTED_PROXIES ("172.30.0.1, 10.8.0.0/16") as networks."""
    networks = []
    for part in filter(None, (p.strip() for p in setting.split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"RAZEM_TRUSTED_PROXIES: not an IP address or network: {part[:60]!r}"
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """The address sign-in throttling counts against.

    The TCP peer, unless it is one of our trusted proxies: then X-Forwarded-For is read
    from the right (what our proxies appended) past every trusted hop, and the first
    other address is the client's. Anything further left was written by the client and
    is never believed; a value that is not an address stops the walk at the last hop.
    """
    if peer is None:
        return "unknown"
    current = peer
    if not _is_trusted(_address(peer), trusted):
        return peer
    for hop in reversed(forwarded_for.split(",")[-20:]):
        address = _address(hop)
        if address is None:
            return current
        current = str(address)
        if not _is_trusted(address, trusted):
            return current
    return current


def _is_trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, trusted: tuple[Network, ...]
) -> bool:
    return address is not None and any(address in network for network in trusted)


class SecurityHeaders:
    """Adds the headers to every response — error pages and crashes included; pages
    (not static files) are never cached, since most show case content or personal data
    of staff.

    It is also the console's outermost guard: a path or query string with control
    characters (NUL, ESC…; no page needs them and PostgreSQL refuses NUL) is refused
    with 400 before any page sees it, and an exception no page handled becomes a plain
    500 here, where the headers are added (Starlette's own 500 page would go out
    without them).
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in HEADERS
                ]
                headers.extend(HEADERS.items())
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        if _has_control_characters(scope):
            await _plain(400, "Bad request")(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("console error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise  # too late for an error page; the server drops the connection
            await _plain(500, "Error")(scope, receive, send_with_headers)


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _has_control_characters(scope: Scope) -> bool:
    query = unquote_to_bytes(scope.get("query_string", b"")).decode("latin-1")
    return bool(_CONTROL.search(scope["path"]) or _CONTROL.search(query.replace("+", " ")))


def _plain(status: int, text: str) -> PlainTextResponse:
    return PlainTextResponse(text, status_code=status)
