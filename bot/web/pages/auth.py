"""Signing in and out, the one-time password-set link, the account's language."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from bot.domain import ConsoleRole
from bot.i18n import LOCALES
from bot.services import accounts
from bot.web.console import Console, Ctx
from bot.web.security import PRE_COOKIE, SESSION_COOKIE, client_address, trusted_networks


def _safe_next(target: str) -> str:
    """Only paths on this site: never //evil.example or https://…"""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target[:300]
    return "/"


def routes(console: Console) -> list[Route]:
    trusted = trusted_networks(console.settings.trusted_proxies)

    def start_session(ctx: Ctx, account_id: int, target: str) -> Response:
        # A fresh token at every sign-in; the pre-session token (and its CSRF) is dropped.
        token = accounts.open_session(ctx.factory, account_id)
        response = ctx.redirect(_safe_next(target))
        ctx.console.set_cookie(response, SESSION_COOKIE, token)
        response.delete_cookie(PRE_COOKIE, path="/")
        return response

    @console.page(signed_in=False)
    def login(ctx: Ctx) -> Response:
        if ctx.request.method == "GET":
            if ctx.account is not None:
                return ctx.redirect("/")
            return ctx.render("login.html", email="", error=None, next=ctx.query("next", 300))
        email, password = ctx.field("email", 300), ctx.field("password", 300)
        peer = ctx.request.client.host if ctx.request.client else None
        address = client_address(peer, ctx.request.headers.get("x-forwarded-for", ""), trusted)
        result = accounts.sign_in(ctx.factory, email, password, address)
        if result.account_id is not None:
            ctx.audit("signed_in", "account", str(result.account_id), address=address[:100])
            return start_session(ctx, result.account_id, ctx.field("next", 300))
        if result.locked_minutes:
            error = ctx.t.ngettext(
                "Too many attempts. Try again in {n} minute.",
                "Too many attempts. Try again in {n} minutes.",
                result.locked_minutes,
            )
        else:
            error = ctx.t._("The e-mail or the password is not right.")
        return ctx.render(
            "login.html", status=401, email=email, error=error, next=ctx.field("next", 300)
        )

    @console.page(signed_in=False)
    def logout(ctx: Ctx) -> Response:
        token = ctx.request.cookies.get(SESSION_COOKIE, "")
        if token:
            accounts.close_session(ctx.factory, token)
        response = ctx.redirect("/login")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @console.page(signed_in=False)
    def setup(ctx: Ctx) -> Response:
        token = ctx.param("token", 200)
        account = accounts.setup_account(ctx.factory, token)
        if account is None:
            return ctx.render("setup.html", status=404, account=None, error=None)
        if ctx.request.method == "GET":
            return ctx.render("setup.html", account=account, error=None)
        password = ctx.field("password", 1000)
        problem = accounts.password_problem(password, ctx.field("repeat", 1000))
        if problem is not None:
            errors = {
                "too_short": ctx.t._("Use at least {n} characters.", n=accounts.MIN_PASSWORD),
                "too_long": ctx.t._("Use at most {n} characters.", n=accounts.MAX_PASSWORD),
                "mismatch": ctx.t._("The two passwords are not the same."),
            }
            return ctx.render("setup.html", status=400, account=account, error=errors[problem])
        account_id = accounts.set_password(ctx.factory, token, password)
        if account_id is None:
            return ctx.render("setup.html", status=404, account=None, error=None)
        return start_session(ctx, account_id, "/")

    @console.page()
    def account(ctx: Ctx) -> Response:
        if ctx.request.method == "POST":
            language = ctx.field("language", 5)
            if language in LOCALES and accounts.set_language(ctx.factory, ctx.me.id, language):
                ctx.audit("language_changed", "account", str(ctx.me.id), language=language)
                return ctx.redirect("/account", done="saved")
            return ctx.render("account.html", status=400)
        return ctx.render("account.html")

    @console.page(ConsoleRole.COORDINATOR)
    def locks(ctx: Ctx) -> Response:
        """Accounts locked by failed sign-ins; a coordinator lifts a lock for its owner."""
        if ctx.request.method == "POST":
            email = ctx.field("email", 300)
            if accounts.unlock(ctx.factory, email, ctx.me.actor):
                return ctx.redirect("/locks", done="unlocked")
            return ctx.render("locks.html", status=404, locks=accounts.locked_accounts(ctx.factory))
        return ctx.render("locks.html", locks=accounts.locked_accounts(ctx.factory))

    return [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/locks", locks, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/setup/{token}", setup, methods=["GET", "POST"]),
        Route("/account", account, methods=["GET", "POST"]),
    ]
