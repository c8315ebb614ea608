"""The console served over real HTTP (uvicorn in a thread) on a seeded PostgreSQL
schema, and a real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from starlette.applications import Starlette

from bot.bootstrap import Storage, open_storage
from bot.domain import ConsoleRole
from bot.seed.loader import read_seed_data, seed
from bot.services import accounts
from bot.settings import Settings
from bot.storage import migrate
from bot.web.app import create_app
from tests.conftest import REPO
from tests.support.ports import free_port

CHROMIUM = os.environ.get("RAZEM_TEST_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
SCREENSHOTS = REPO / "var" / "test-artifacts" / "screenshots"
PASSWORD = "a long test password 42"
# The probe's flags: no sandbox as root, no calls home on this closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@dataclass
class Console:
    url: str
    storage: Storage
    settings: Settings
    app: Starlette


@pytest.fixture
def web_storage(empty_postgres_url: str) -> Iterator[Storage]:
    storage = open_storage(empty_postgres_url)
    migrate.upgrade(storage.engine)
    seed(storage.session_factory, read_seed_data(REPO / "data"))
    yield storage
    storage.dispose()


@pytest.fixture
def console(web_storage: Storage) -> Iterator[Console]:
    url = web_storage.engine.url.render_as_string(hide_password=False)
    settings = Settings(_env_file=None, database_url=url, secret_key="test-secret-key-0123456789")  # type: ignore[call-arg]
    app = create_app(settings, web_storage)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the console did not start"
        time.sleep(0.05)
    try:
        yield Console(f"http://127.0.0.1:{port}", web_storage, settings, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def make_account(storage: Storage, email: str, role: ConsoleRole, partner: str | None = None,
                 language: str = "en") -> str:  # fmt: skip
    """An account with PASSWORD set through its one-time link, as a person would."""
    token = accounts.add_account(storage.session_factory, email, role, partner, language)
    assert accounts.set_password(storage.session_factory, token, PASSWORD) is not None
    return email


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Per module, not per session: Playwright's sync API keeps an event loop running in
    # the main thread while it is open, and later tests call asyncio.run().
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def sign_in(page: Page, console: Console, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{console.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]', '-', name)}.png"), full_page=True
    )
