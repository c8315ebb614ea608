"""The console's plumbing: who is asking, in which language, may they, and a page back.

Pages are plain functions ``(ctx) -> Response`` run in a worker thread (the services
are synchronous SQLAlchemy). `Console.page` wraps one with the checks every page needs:
signed in, the right role, a valid CSRF token on posts, bounded form sizes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.domain import ConsoleRole
from bot.i18n import LANGUAGE_NAMES, LOCALES, Translator, normalise_locale, translator
from bot.services.accounts import Account, session_account
from bot.settings import Settings
from bot.storage.models import AuditEntry
from bot.text_safety import for_display
from bot.web.security import PRE_COOKIE, SESSION_COOKIE, csrf_ok, csrf_token, new_token

log = logging.getLogger(__name__)
MAX_BODY = 2_000_000  # a PO/CSV import is at most 1 MB; forms are far smaller
MAX_FIELDS = 400
ALL_ROLES = frozenset(ConsoleRole)


class Refused(Exception):
    """Ends a page early with an error page (403, 404, 400, 413)."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(status)
        self.status, self.message = status, message


@dataclass
class Ctx:
    """One request, as a page sees it."""

    console: Console
    request: Request
    account: Account | None
    t: Translator
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    cookie_token: str = ""
    new_pre_cookie: str | None = None

    @property
    def factory(self) -> sessionmaker[Session]:
        return self.console.factory

    @property
    def me(self) -> Account:
        assert self.account is not None  # pages that need one are wrapped with roles
        return self.account

    def query(self, name: str, limit: int = 200) -> str:
        return _clean(self.request.query_params.get(name, "")[:limit]).strip()

    def param(self, name: str, limit: int = 80) -> str:
        """A path parameter (strings only; int ones come typed from the route)."""
        return _clean(str(self.request.path_params.get(name, ""))[:limit])

    def field(self, name: str, limit: int = 10_000) -> str:
        return _clean(self.form.get(name, "")[:limit])

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        _ = self.t._
        html = self.console.templates.get_template(template).render(
            _=_,
            ngettext=self.t.ngettext,
            t=self.t,
            me=self.account,
            csrf=csrf_token(self.console.secret, self.cookie_token),
            languages=LANGUAGE_NAMES,
            path=self.request.url.path,
            done=self.query("done", 40),
            **context,
        )
        return self.finish(HTMLResponse(html, status_code=status))

    def redirect(self, url: str, **params: str) -> Response:
        target = f"{url}?{urlencode(params)}" if params else url
        return self.finish(RedirectResponse(target, status_code=303))

    def finish(self, response: Response) -> Response:
        if self.new_pre_cookie:
            self.console.set_cookie(response, PRE_COOKIE, self.new_pre_cookie)
        return response

    def audit(self, what: str, entity_type: str, entity_id: str | None, **after: Any) -> None:
        with self.factory.begin() as session:
            session.add(
                AuditEntry(
                    actor=self.account.actor if self.account else "anonymous",
                    action=what,
                    entity_type=entity_type,
                    entity_id=entity_id,
                    before=None,
                    after=after or None,
                )
            )


# C0 controls but tab, newline and carriage return, and DEL: PostgreSQL refuses NUL, and
# none of them has any business in a form (ESC can drive a terminal showing a log).
_CONTROL_CHARACTERS = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _clean(value: str) -> str:
    """The value without control characters (see _CONTROL_CHARACTERS)."""
    return value.translate(_CONTROL_CHARACTERS)


Page = Callable[[Ctx], Response]


class Console:
    def __init__(self, settings: Settings, factory: sessionmaker[Session], secret: bytes) -> None:
        self.settings, self.factory, self.secret = settings, factory, secret
        self.secure_cookies = settings.environment != "development"
        self.templates = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # templates ship with the package; no stat() per include
        )
        # Wherever a person's (or a staff member's) own words are shown: no bidi tricks.
        self.templates.filters["person"] = for_display

    def set_cookie(self, response: Response, name: str, value: str, max_age: int = 43_200) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            samesite="lax",
            secure=self.secure_cookies,
            path="/",
        )

    def page(
        self, *roles: ConsoleRole, signed_in: bool = True
    ) -> Callable[[Page], Callable[[Request], Any]]:
        allowed = frozenset(roles) or ALL_ROLES

        def wrap(handler: Page) -> Callable[[Request], Any]:
            async def endpoint(request: Request) -> Response:
                try:
                    form, files = await _read_form(request)
                except Refused as refused:
                    return PlainError(refused.status)
                return await run_in_threadpool(
                    self._handle, handler, request, form, files, allowed, signed_in
                )

            endpoint.__name__ = handler.__name__
            return endpoint

        return wrap

    def _handle(
        self,
        handler: Page,
        request: Request,
        form: dict[str, str],
        files: dict[str, bytes],
        allowed: frozenset[ConsoleRole],
        signed_in: bool,
    ) -> Response:
        session_token = request.cookies.get(SESSION_COOKIE, "")
        account = session_account(self.factory, session_token) if session_token else None
        ctx = Ctx(self, request, account, translator(self._language(request, account)))
        ctx.form, ctx.files = form, files
        if account is not None:
            ctx.cookie_token = session_token
        else:
            ctx.cookie_token = request.cookies.get(PRE_COOKIE, "")[:100]
            if not ctx.cookie_token:
                ctx.cookie_token = ctx.new_pre_cookie = new_token()
        try:
            if request.method == "POST" and not csrf_ok(
                self.secret, ctx.cookie_token, form.get("csrf")
            ):
                raise Refused(
                    403,
                    ctx.t._(
                        "This form has expired. Please go back, reload the page and try again."
                    ),
                )
            if signed_in:
                if account is None:
                    return ctx.redirect("/login", next=request.url.path)
                if account.role not in allowed:
                    raise Refused(403)
            return handler(ctx)
        except Refused as refused:
            return ctx.render(
                "error.html", status=refused.status, status_code=refused.status,
                message=refused.message,
            )  # fmt: skip

    def _language(self, request: Request, account: Account | None) -> str:
        if account is not None:
            return account.language
        wanted = normalise_locale(request.query_params.get("lang"))
        if wanted:
            return wanted
        header = request.headers.get("accept-language", "")
        for part in header.split(","):
            found = normalise_locale(part.split(";")[0].strip())
            if found:
                return found
        return self.settings.staff_locale if self.settings.staff_locale in LOCALES else "pl"


def PlainError(status: int) -> Response:
    messages = {400: "Bad request", 413: "Too large", 403: "Forbidden"}
    return Response(messages.get(status, "Error"), status_code=status, media_type="text/plain")


async def _read_form(request: Request) -> tuple[dict[str, str], dict[str, bytes]]:
    if request.method != "POST":
        return {}, {}
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        raise Refused(413)
    try:
        form: FormData = await request.form(
            max_files=2, max_fields=MAX_FIELDS, max_part_size=MAX_BODY
        )
    except Exception as exc:  # malformed multipart/urlencoded bodies of every kind
        log.info("unreadable form: %s", exc)
        raise Refused(400) from None
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(key[:100], value)
        else:
            data = await value.read(MAX_BODY + 1)
            if len(data) > MAX_BODY:
                raise Refused(413)
            files[key[:100]] = data
    await form.close()
    return fields, files
