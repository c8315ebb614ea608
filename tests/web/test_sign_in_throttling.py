"""Sign-in throttling on real PostgreSQL: a burst of wrong passwords, then the right one.

Each attempt is counted under a row lock before the password is checked, so a burst
gets no more guesses than the limit however many arrive at once; the owner is not
locked out forever (the lock doubles each time, and a coordinator can lift it).
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select, update

from bot.domain import ConsoleRole
from bot.services import accounts
from bot.settings import Settings
from bot.storage.models import AuditEntry, LoginFailure
from bot.storage.types import utcnow
from bot.web.app import create_app
from bot.web.security import client_address, trusted_networks
from bot.web.serving import uvicorn_config
from tests.support.ports import free_port
from tests.web.conftest import PASSWORD, Console, make_account

EMAIL = "lawyer@example.org"


def failed_checks(console: Console) -> int:
    with console.storage.session_factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "sign_in_failed")
            )
            or 0
        )


def test_a_burst_of_fifty_wrong_passwords_gets_only_the_limit_of_guesses(console: Console) -> None:
    factory = console.storage.session_factory
    make_account(console.storage, EMAIL, ConsoleRole.COORDINATOR)

    def guess(number: int) -> accounts.SignIn:
        # Fifty addresses: only the per-account limit can stop this burst.
        return accounts.sign_in(factory, EMAIL, f"wrong password {number}", f"10.0.0.{number}")

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(guess, range(50)))
    assert all(result.account_id is None for result in results)
    # Every password actually checked leaves one audit row; the rest were refused unchecked.
    assert failed_checks(console) <= accounts.ACCOUNT_FAILURES
    assert sum(1 for result in results if result.locked_minutes) >= 50 - accounts.ACCOUNT_FAILURES
    with factory() as session:
        row = session.get(LoginFailure, f"account:{EMAIL}")
        assert row is not None and row.count <= accounts.ACCOUNT_FAILURES
    right = accounts.sign_in(factory, EMAIL, PASSWORD, "192.0.2.1")
    assert right.account_id is None and right.locked_minutes > 0  # refused while locked


def test_the_lock_doubles_and_a_coordinator_can_lift_it(console: Console) -> None:
    factory = console.storage.session_factory
    make_account(console.storage, EMAIL, ConsoleRole.VIEWER)
    for number in range(accounts.ACCOUNT_FAILURES):
        first = accounts.sign_in(factory, EMAIL, "wrong", f"10.0.1.{number}")
    assert first.locked_minutes == 15
    # The first lock runs out (time moved on in the database, not faked in the code).
    with factory.begin() as session:
        session.execute(
            update(LoginFailure)
            .where(LoginFailure.key == f"account:{EMAIL}")
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
    for number in range(accounts.ACCOUNT_FAILURES):
        second = accounts.sign_in(factory, EMAIL, "wrong", f"10.0.2.{number}")
    assert second.locked_minutes == 30
    assert [lock.email for lock in accounts.locked_accounts(factory)] == [EMAIL]
    assert accounts.unlock(factory, EMAIL, actor="console:coordinator@example.org")
    assert accounts.locked_accounts(factory) == []
    assert accounts.sign_in(factory, EMAIL, PASSWORD, "10.0.3.1").account_id is not None
    with factory() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "sign_in_unlocked" in actions


def test_a_coordinator_unlocks_from_the_console(console: Console) -> None:
    factory = console.storage.session_factory
    make_account(console.storage, "coordinator@example.org", ConsoleRole.COORDINATOR)
    make_account(console.storage, EMAIL, ConsoleRole.VIEWER)
    for number in range(accounts.ACCOUNT_FAILURES):
        accounts.sign_in(factory, EMAIL, "wrong", f"10.0.4.{number}")
    with httpx.Client(base_url=console.url) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"csrf": token, "email": "coordinator@example.org",
                                    "password": PASSWORD})  # fmt: skip
        locks = client.get("/locks")
        assert locks.status_code == 200 and EMAIL in locks.text
        token = re.search(r'name="csrf" value="([^"]+)"', locks.text).group(1)  # type: ignore[union-attr]
        done = client.post("/locks", data={"csrf": token, "email": EMAIL})
        assert done.status_code == 303
        assert EMAIL not in client.get("/locks").text
    assert accounts.sign_in(factory, EMAIL, PASSWORD, "10.0.5.1").account_id is not None


# --- which address an attempt counts against ---------------------------------------------


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    none = trusted_networks("")
    proxy = trusted_networks("172.30.0.1, 10.8.0.0/16")
    assert client_address("203.0.113.9", "198.51.100.7", none) == "203.0.113.9"
    # A local process is no more trusted than anyone else unless configured.
    assert client_address("127.0.0.1", "198.51.100.7", none) == "127.0.0.1"
    assert client_address("172.30.0.1", "198.51.100.7", proxy) == "198.51.100.7"
    # The client may prepend anything; only what our own proxies appended counts.
    assert client_address("172.30.0.1", "1.2.3.4, 198.51.100.7", proxy) == "198.51.100.7"
    assert client_address("172.30.0.1", "198.51.100.7, 10.8.3.4", proxy) == "198.51.100.7"
    assert client_address("172.30.0.1", "not-an-ip", proxy) == "172.30.0.1"
    assert client_address("172.30.0.1", "", proxy) == "172.30.0.1"
    assert client_address(None, "198.51.100.7", proxy) == "unknown"


def test_trusted_proxies_are_a_setting_and_none_by_default() -> None:
    assert Settings(_env_file=None).trusted_proxies == ""  # type: ignore[call-arg]
    assert trusted_networks("::1, 192.168.0.0/24") == (
        ipaddress.ip_network("::1"), ipaddress.ip_network("192.168.0.0/24"))  # fmt: skip
    with pytest.raises(ValueError, match="RAZEM_TRUSTED_PROXIES"):
        trusted_networks("proxy.example.org")


def test_a_spoofed_forwarded_for_does_not_move_the_lock(console: Console) -> None:
    """Through the app served as `razem web` serves it: its peer here is 127.0.0.1, not
    trusted by default, so an attacker rotating X-Forwarded-For is still one address."""
    port = free_port()
    server = uvicorn.Server(uvicorn_config(create_app(console.settings), "127.0.0.1", port, console.settings))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            page = client.get("/login")
            token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            for number in range(3):
                client.post("/login", headers={"x-forwarded-for": f"198.51.100.{number}"},
                            data={"csrf": token, "email": f"x{number}@example.org", "password": "x"})  # fmt: skip
    finally:
        server.should_exit = True
        thread.join(10)
    with console.storage.session_factory() as session:
        keys = set(session.scalars(select(LoginFailure.key)).all())
    assert "address:127.0.0.1" in keys
    assert not any(key.startswith("address:198.51.100.") for key in keys)
