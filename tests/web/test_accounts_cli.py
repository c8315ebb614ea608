"""`razem user add|reset` and `razem web` as commands, and the account rules behind
them: one-time links that expire, argon2 passwords, throttled sign-in, sessions."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from bot.bootstrap import Storage
from bot.domain import ConsoleRole
from bot.errors import DataError
from bot.services import accounts
from bot.storage.models import ConsoleAccount, ConsoleSession, LoginFailure, StaffMember
from bot.storage.types import utcnow
from tests.support.ports import free_port
from tests.support.razem_cli import RAZEM, REPO, assert_one_line_error, clean_env, razem
from tests.web.conftest import PASSWORD


def _db(tmp_path: Path) -> dict[str, str]:
    env = {"RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}"}
    assert razem("db", "upgrade", env=env).returncode == 0
    assert razem("seed", env=env).returncode == 0
    return env


def test_user_add_prints_a_working_link_and_razem_web_serves_it(tmp_path: Path) -> None:
    env = _db(tmp_path)
    port = free_port()
    env["RAZEM_WEB_BASE_URL"] = f"http://127.0.0.1:{port}"
    added = razem("user", "add", "Coord@Example.org", "--role", "coordinator", env=env)
    assert added.returncode == 0, added.stderr
    link = re.search(r"http://\S+/setup/\S+", added.stdout)
    assert link is not None and "24 hours" in added.stdout

    process = subprocess.Popen([RAZEM, "web", "--port", str(port)], env=clean_env(env), cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        with httpx.Client(timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    page = client.get(link.group(0))
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline and process.poll() is None
                    time.sleep(0.2)
            assert page.status_code == 200 and "coord@example.org" in page.text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            short = client.post(
                link.group(0), data={"csrf": csrf, "password": "short", "repeat": "short"}
            )
            assert short.status_code == 400 and "12" in short.text
            done = client.post(
                link.group(0), data={"csrf": csrf, "password": PASSWORD, "repeat": PASSWORD}
            )
            assert done.status_code == 303
            cookie = done.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=lax" in cookie
            assert client.get(f"http://127.0.0.1:{port}/").status_code == 200  # signed in
            again = client.get(link.group(0))
            assert again.status_code == 404  # the link worked once
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_bad_user_commands_and_production_without_a_secret_exit_2(tmp_path: Path) -> None:
    env = _db(tmp_path)
    assert_one_line_error(
        razem("user", "add", "x@example.org", "--role", "staff", env=env), "--partner"
    )
    assert_one_line_error(
        razem("user", "add", "x@example.org", "--role", "staff", "--partner", "nope", env=env),
        "nope",
    )
    assert_one_line_error(
        razem("user", "add", "not-an-email", "--role", "viewer", env=env), "e-mail"
    )
    assert razem("user", "add", "v@example.org", "--role", "viewer", env=env).returncode == 0
    assert_one_line_error(
        razem("user", "add", "V@example.org", "--role", "viewer", env=env), "already"
    )
    assert_one_line_error(
        razem("user", "reset", "nobody@example.org", env=env), "nobody@example.org"
    )
    production = env | {"RAZEM_ENVIRONMENT": "production"}
    assert_one_line_error(
        razem("web", "--port", str(free_port()), env=production), "RAZEM_SECRET_KEY"
    )
    weak = production | {"RAZEM_SECRET_KEY": "short"}
    assert_one_line_error(razem("web", "--port", str(free_port()), env=weak), "RAZEM_SECRET_KEY")


def test_links_expire_and_passwords_are_argon2(seeded: Storage) -> None:
    factory = seeded.session_factory
    token = accounts.add_account(factory, "lawyer@sip.example", ConsoleRole.STAFF, "sip")
    with factory.begin() as session:
        account = session.scalars(select(ConsoleAccount)).one()
        assert account.setup_token_hash != token  # only a hash is stored
        member = session.get(StaffMember, account.staff_member_id)
        assert member is not None and member.email == "lawyer@sip.example"
        session.execute(
            update(ConsoleAccount).values(setup_expires_at=utcnow() - timedelta(seconds=1))
        )
    assert accounts.setup_account(factory, token) is None
    assert accounts.set_password(factory, token, PASSWORD) is None
    fresh = accounts.reset_link(factory, "lawyer@sip.example")
    assert accounts.set_password(factory, fresh, PASSWORD) is not None
    with factory() as session:
        stored = session.scalars(select(ConsoleAccount.password_hash)).one()
        assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    with pytest.raises(DataError):
        accounts.add_account(factory, "lawyer@sip.example", ConsoleRole.VIEWER, None)


def test_sign_in_is_throttled_per_account_and_per_address(seeded: Storage) -> None:
    factory = seeded.session_factory
    token = accounts.add_account(factory, "c@example.org", ConsoleRole.COORDINATOR, None)
    accounts.set_password(factory, token, PASSWORD)
    for _ in range(accounts.ACCOUNT_FAILURES - 1):
        assert accounts.sign_in(factory, "c@example.org", "wrong", "10.0.0.1") == accounts.SignIn(
            None
        )
    locked = accounts.sign_in(factory, "c@example.org", "wrong", "10.0.0.1")
    assert locked.account_id is None and locked.locked_minutes == 15
    # Locked: even the right password is refused, from any address, until it passes.
    assert accounts.sign_in(factory, "c@example.org", PASSWORD, "10.0.0.2").account_id is None
    with factory.begin() as session:
        session.execute(update(LoginFailure).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert accounts.sign_in(factory, "C@example.org ", PASSWORD, "10.0.0.2").account_id is not None
    # One address trying many accounts is stopped too.
    for number in range(accounts.ADDRESS_FAILURES):
        accounts.sign_in(factory, f"guess{number}@example.org", "x", "10.6.6.6")
    assert accounts.sign_in(factory, "c@example.org", PASSWORD, "10.6.6.6").locked_minutes > 0


def test_sessions_are_new_at_each_sign_in_and_end_at_sign_out(seeded: Storage) -> None:
    factory = seeded.session_factory
    token = accounts.add_account(factory, "c@example.org", ConsoleRole.COORDINATOR, None)
    account_id = accounts.set_password(factory, token, PASSWORD)
    assert account_id is not None
    first, second = (
        accounts.open_session(factory, account_id),
        accounts.open_session(factory, account_id),
    )
    assert first != second
    assert accounts.session_account(factory, first) is not None
    accounts.close_session(factory, first)
    assert accounts.session_account(factory, first) is None
    assert accounts.session_account(factory, second) is not None
    with factory.begin() as session:
        session.execute(update(ConsoleSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert accounts.session_account(factory, second) is None
    accounts.reset_link(factory, "c@example.org")  # a reset ends every session
    with factory() as session:
        assert session.scalars(select(ConsoleSession)).all() == []
