"""The console in a real Chromium: sign-in, FAQ publishing reaching the bot, access
between partners, escaping, CSRF, suppressed counts, the PO round trip."""

from __future__ import annotations

import asyncio
import threading
import time
from io import BytesIO

from babel.messages.pofile import read_po, write_po
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from bot.domain import ConsoleRole, OutboxStatus
from bot.nlu_setup import FaqFollowingEngine
from bot.runtime import Conversations
from bot.services import faq_editing
from bot.state.memory import MemoryStateStore
from bot.storage.models import AuditEntry, Case, FaqEntry, OutboxMessage
from nlu.builtin import BuiltinEngine
from tests.conversations.test_journeys import start
from tests.conversations.test_staff_handoff import make_case
from tests.support.person import Person
from tests.web.conftest import Console, make_account, screenshot, sign_in

XSS = "<img src=x onerror=alert(1)>"


class ThreadedPerson(Person):
    """Playwright's sync API keeps an event loop in this thread: talk from another one."""

    def _execute(self, coroutine):  # type: ignore[no-untyped-def]
        result = []
        worker = threading.Thread(target=lambda: result.append(asyncio.run(coroutine)))
        worker.start()
        worker.join()
        return result[0]


def ask(person: Person, question: str) -> str:
    start(person, "uk")
    person.press("consent:yes")
    return person.text(person.says(question))


def _reference(console: Console) -> str:
    with console.storage.session_factory() as session:
        return session.scalars(select(Case.reference).order_by(Case.id.desc())).first() or ""


def _person(console: Console, engine: BuiltinEngine, chat: str = "p1") -> Person:
    settings = console.settings.model_copy(update={"faq_show_drafts": False})
    follower = FaqFollowingEngine(settings, console.storage, engine)
    conversations = Conversations(
        settings, console.storage.session_factory, MemoryStateStore(), follower
    )
    return ThreadedPerson(conversations, chat, "uk")


def test_sign_in_wrong_password_then_right_and_the_main_pages(page: Page, console: Console) -> None:
    make_account(console.storage, "coord@example.org", ConsoleRole.COORDINATOR)
    sign_in(page, console, "coord@example.org", "not the password at all")
    expect(page.get_by_role("alert")).to_contain_text("not right")
    screenshot(page, "login")
    sign_in(page, console, "coord@example.org")
    expect(page.get_by_role("heading", name="What needs attention")).to_be_visible()
    screenshot(page, "dashboard")
    for path, heading in (("/faq", "FAQ answers"), ("/routing", "Routing rules"),
                          ("/partners", "Partners"), ("/audit", "Audit log"),
                          ("/insights", "Insights"), ("/cases", "Cases")):  # fmt: skip
        response = page.goto(console.url + path)
        assert response is not None and response.status == 200
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["cache-control"] == "no-store"
        expect(page.locator("h1")).to_contain_text(heading)
        screenshot(page, path.strip("/"))
    # On a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/cases", "/faq/1", "/insights"):
        page.goto(console.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    screenshot(page, "phone-faq-entry")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=Sign out")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.goto(console.url + "/faq") is not None
    assert page.url.startswith(console.url + "/login")  # the session really ended


def test_a_published_ukrainian_edit_changes_the_running_bots_answer(
    page: Page, console: Console, engine: BuiltinEngine
) -> None:
    make_account(console.storage, "coord@example.org", ConsoleRole.COORDINATOR)
    with console.storage.session_factory() as session:
        entry_id = session.scalars(
            select(FaqEntry.id).where(FaqEntry.slug == "free-legal-aid")
        ).one()
    # Published as seeded, before the bot starts.
    current = faq_editing.editable(console.storage.session_factory, entry_id)
    assert current is not None
    faq_editing.save(console.storage.session_factory, entry_id, current.fields, current.texts,
                     "test", publish=True)  # fmt: skip
    person = _person(console, engine)
    question = "де отримати безкоштовну юридичну допомогу"
    first = ask(person, question)
    assert current.texts["uk"].question in first and "ПЕРЕВІРЕНО-БРАУЗЕРОМ" not in first

    sign_in(page, console, "coord@example.org")
    page.goto(f"{console.url}/faq/{entry_id}")
    answer = page.locator("textarea[name=answer_uk]")
    answer.fill(answer.input_value() + "\n• <b>ПЕРЕВІРЕНО-БРАУЗЕРОМ</b>: телефон 800 000 000")
    page.click("button[value=preview]")
    expect(page.locator("#preview")).to_be_visible()
    expect(page.locator(".bubble b", has_text="ПЕРЕВІРЕНО-БРАУЗЕРОМ")).to_be_visible()
    screenshot(page, "faq-edit-preview")
    page.click("button[value=publish]")
    expect(page.get_by_role("status")).to_contain_text("Published")

    # The same running bot, no restart: within seconds it answers with the new text.
    deadline = time.monotonic() + 15
    while True:
        other = ThreadedPerson(person.conversations, f"chat-{int(time.monotonic() * 1000)}", "uk")
        answer_now = ask(other, question)
        if "ПЕРЕВІРЕНО-БРАУЗЕРОМ" in answer_now:
            break
        assert time.monotonic() < deadline, answer_now
        time.sleep(0.5)
    with console.storage.session_factory() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "faq_published")
                                .order_by(AuditEntry.id.desc())).first()  # fmt: skip
        assert audit is not None and audit.actor == "console:coord@example.org"
        assert "ПЕРЕВІРЕНО-БРАУЗЕРОМ" in str(audit.after) and "ПЕРЕВІРЕНО-БРАУЗЕРОМ" not in str(
            audit.before
        )


def test_a_refused_answer_names_the_problem_and_saves_nothing(page: Page, console: Console) -> None:
    make_account(console.storage, "coord@example.org", ConsoleRole.COORDINATOR)
    sign_in(page, console, "coord@example.org")
    page.goto(f"{console.url}/faq/1")
    before = page.locator("textarea[name=answer_pl]").input_value()
    page.locator("textarea[name=answer_pl]").fill("Dzień dobry\n<b>pogrubione bez końca")
    page.click("button[value=publish]")
    expect(page.locator(".field-error")).to_contain_text("Line 2: <b> is opened but never closed")
    page.goto(f"{console.url}/faq/1")
    assert page.locator("textarea[name=answer_pl]").input_value() == before


def test_staff_work_their_own_cases_and_cannot_open_another_partners(
    page: Page, console: Console, engine: BuiltinEngine
) -> None:
    person = _person(console, engine)
    make_case(person)  # Ukrainian, legal, Lublin: homo-faber's queue
    reference = _reference(console)
    make_account(console.storage, "lawyer@homofaber.example", ConsoleRole.STAFF, "homo-faber")
    make_account(console.storage, "other@sip.example", ConsoleRole.STAFF, "sip")

    sign_in(page, console, "other@sip.example")
    response = page.goto(f"{console.url}/cases/{reference}")
    assert response is not None and response.status == 404  # as if it did not exist
    number = int(reference.split("-")[1])
    for guess in (f"W-{number}", f"W-{number + 1}", reference.lower()):
        response = page.goto(f"{console.url}/cases/{guess}")
        assert response is not None and response.status == 404
    page.goto(f"{console.url}/cases")
    expect(page.locator("body")).not_to_contain_text(reference)
    with console.storage.session_factory() as session:
        denied = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case_access_denied")
        ).all()
        assert [(d.actor, d.entity_id) for d in denied] == [
            (
                "console:other@sip.example",
                reference,
            )
        ]

    page.click("text=Sign out")
    sign_in(page, console, "lawyer@homofaber.example")
    page.goto(f"{console.url}/cases")
    page.click(f"text={reference}")
    page.click("text=Take this case")
    expect(page.get_by_role("status")).to_be_visible()
    # The person writes a hostile payload; it must be shown as text, never run.
    person.says(XSS)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.reload()
    expect(page.locator(".history .text", has_text=XSS)).to_be_visible()
    assert page.locator(".history img").count() == 0
    page.fill("form[action$='/reply'] textarea", "Dzień dobry, zadzwonimy jutro o 10:00.")
    page.click("form[action$='/reply'] button")
    expect(page.locator(".history .to_client")).to_contain_text("zadzwonimy jutro")
    screenshot(page, "case")
    time.sleep(0.3)
    assert dialogs == []
    with console.storage.session_factory() as session:
        kinds = session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.status == OutboxStatus.PENDING)
        ).all()
        assert "to_client" in kinds  # the reply goes to Telegram through the same outbox


def test_a_post_without_the_csrf_token_is_refused(page: Page, console: Console) -> None:
    make_account(console.storage, "coord@example.org", ConsoleRole.COORDINATOR)
    sign_in(page, console, "coord@example.org")
    page.goto(f"{console.url}/faq/1")
    with console.storage.session_factory() as session:
        revisions = session.scalar(select(func.count()).select_from(AuditEntry))
    forged = page.request.post(f"{console.url}/faq/1/unpublish", form={"x": "1"})
    assert forged.status == 403
    wrong = page.request.post(f"{console.url}/faq/1/unpublish", form={"csrf": "0" * 64})
    assert wrong.status == 403
    with console.storage.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == revisions


def test_insights_never_show_a_count_under_five(
    page: Page, console: Console, engine: BuiltinEngine
) -> None:
    for i in range(6):
        make_case(_person(console, engine, f"lublin-{i}"))
    for i in range(2):
        make_case(_person(console, engine, f"poznan-{i}"), city="Poznań")
    make_account(console.storage, "viewer@example.org", ConsoleRole.VIEWER)
    sign_in(page, console, "viewer@example.org")
    expect(page.locator("h1")).to_contain_text("Insights")
    screenshot(page, "insights")
    cells = page.locator("[data-count]").all_inner_texts()
    assert "10" in cells  # all 8 requests, rounded to 5; Poznań's 2 are shown only as "<5"
    for cell in cells:
        assert cell in ("<5", "0") or int(cell) % 5 == 0, cells
    svg_text = " ".join(page.locator("svg text").all_text_contents())
    assert "Poznań <5" in svg_text
    assert not {"1", "2", "3", "4"} & set(svg_text.split()), svg_text
    csv = page.request.get(f"{console.url}/insights.csv?by=city").text()
    assert "Poznań,<5" in csv and "Lublin,5" in csv
    assert page.goto(f"{console.url}/cases") is not None
    assert page.locator("h1").inner_text().startswith("You may not")  # viewers see insights only


def test_a_po_round_trip_changes_exactly_one_string(page: Page, console: Console) -> None:
    make_account(console.storage, "coord@example.org", ConsoleRole.COORDINATOR)
    factory = console.storage.session_factory
    before = {
        e.id: faq_editing.editable(factory, e.id) for e in faq_editing.overview(factory, "en")
    }
    sign_in(page, console, "coord@example.org")
    page.goto(f"{console.url}/faq/exchange")
    with page.expect_download() as download:
        page.click("a[href='/faq/export.po?language=uk']")
    with open(download.value.path(), "rb") as handle:
        catalog = read_po(handle)
    target = next(m for m in catalog if m.context == "free-legal-aid:question")
    target.string = "Де отримати безоплатну правову допомогу у Польщі?"
    buffer = BytesIO()
    write_po(buffer, catalog)
    page.select_option("select[name=language]", "uk")
    page.set_input_files(
        "input[name=file]",
        files=[
            {"name": "uk.po", "mimeType": "text/x-gettext-translation", "buffer": buffer.getvalue()}
        ],
    )
    page.click("text=Show what would change")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("безоплатну правову допомогу")
    screenshot(page, "faq-import-preview")
    page.click("text=Import these changes as drafts")
    expect(page.get_by_role("status")).to_be_visible()
    after = {e.id: faq_editing.editable(factory, e.id) for e in faq_editing.overview(factory, "en")}
    changed = [(i, lang) for i in before for lang in ("uk", "ru", "en", "pl")
               if before[i].texts.get(lang) != after[i].texts.get(lang)]  # type: ignore[union-attr]  # fmt: skip
    assert len(changed) == 1
    entry_id, language = changed[0]
    assert language == "uk"
    text = after[entry_id].texts["uk"]  # type: ignore[union-attr]
    assert text.question == "Де отримати безоплатну правову допомогу у Польщі?"
    assert text.answer == before[entry_id].texts["uk"].answer  # type: ignore[union-attr]
