"""Bad input never crashes a flow or loses state; random event sequences keep the invariants."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.bootstrap import Storage, open_storage
from bot.domain import Channel
from bot.flows import events as e
from bot.flows.state import State
from bot.i18n import translator
from bot.runtime import Conversations
from bot.seed.loader import read_seed_data, seed
from bot.settings import Settings
from bot.state.memory import MemoryStateStore
from bot.state.port import StateKey
from bot.storage.models import Case, Client
from nlu.builtin import BuiltinEngine
from tests.conftest import REPO
from tests.support.person import Person


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😭😭😭🙏",
        "x" * 10_000,
        "<b>bold</b> & <script>alert(1)</script>",
        "\x00\x1f",
        "/",
    ],
)
def test_odd_messages_get_an_answer_at_any_step(person: Person, text: str) -> None:
    person.command("start")
    assert person.says(text)  # in the language step
    person.press_stale("lang:uk")
    assert person.says(text)  # in the consent step, or wherever the text led
    person.press_stale("consent:yes")
    assert person.says(text)
    state = asyncio.run(person.conversations.state.get(StateKey("terminal", "p1")))
    assert State.from_document(state).locale == "uk"


def test_a_button_from_an_old_message_is_answered_not_obeyed(
    person: Person, seeded: Storage
) -> None:
    person.command("start")
    person.press("lang:pl")
    replies = person.press_stale("city:Lublin")  # no city was asked
    assert translator("pl")._("That button belongs to an earlier message.") in person.text(replies)
    assert person.visible("consent:yes")  # and the question that waits is shown again
    with seeded.session_factory() as session:
        assert session.scalars(select(Case)).all() == []


@pytest.mark.parametrize(
    "payload",
    [
        "",
        ":",
        "lang:xx",
        "faq:",
        "faq:no-such-entry",
        "cancel:W-9999",
        "topic:weather",
        "city:Paris",
    ],
)
def test_forged_or_broken_buttons_change_nothing(
    person: Person, seeded: Storage, payload: str
) -> None:
    person.command("start")
    person.press("lang:en")
    person.press("consent:yes")
    assert person.press_stale(payload)
    if payload.startswith("cancel:"):
        replies = person.press("cancelconfirm:yes")
        assert "cannot be cancelled" in person.text(replies)
    with seeded.session_factory() as session:
        assert session.scalars(select(Case)).all() == []


def test_a_command_in_the_middle_of_a_question_is_not_a_dead_end(
    person: Person, seeded: Storage
) -> None:
    person.command("start")
    person.says("Szukam mieszkania w Poznaniu, właściciel każe się wyprowadzić")
    person.press("lang:pl")
    person.press("consent:yes")
    person.agree_it_is_right()
    assert person.visible("city:Poznań")
    person.command("emergency")
    person.command("help")
    person.says("hello?")  # typed while the city question waits
    assert person.visible("city:Poznań")
    person.says("Poznań")  # typing the city works too
    person.press("details:skip")
    with seeded.session_factory() as session:
        [case] = session.scalars(select(Case)).all()
    assert case.city == "Poznań"


def test_an_unknown_command_gets_help(person: Person) -> None:
    person.command("start")
    person.press("lang:ru")
    replies = person.command("frobnicate")
    assert translator("ru")._("I don't know this command.") in person.text(replies)


def test_a_corrupt_stored_state_starts_over_instead_of_crashing(person: Person) -> None:
    key = StateKey("terminal", "p1")
    asyncio.run(person.conversations.state.set(key, {"version": 1, "step": "nonsense"}, 60))
    assert person.says("hello")


TEXTS = st.sampled_from([
    "hello", "дякую", "Потрібен адвокат, роботодавець не платить", "nie mam gdzie spać dziś",
    "I want to kill myself", "где найти врача", "", "🙏", "x" * 5000, "Warszawa", "tak", "800+",
])  # fmt: skip
PAYLOADS = st.sampled_from([
    "lang:uk", "lang:en", "consent:yes", "consent:no", "confirm:yes", "confirm:no", "cat:legal",
    "cat:unsure", "helped:yes", "helped:no", "city:Lublin", "city:online", "details:skip",
    "forget:yes", "forget:no", "menu:faq", "menu:cases", "topic:social", "cancelconfirm:yes", "junk",
])  # fmt: skip
COMMANDS = st.sampled_from(
    ["start", "help", "cases", "language", "mydata", "forget", "emergency", "menu"]
)
EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("text"), TEXTS),
        st.tuples(st.just("button"), PAYLOADS),
        st.tuples(st.just("command"), COMMANDS),
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture(scope="module")
def seeded_template(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path
) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "razem.db"
    shutil.copy(migrated_sqlite_template, path)
    storage = open_storage(f"sqlite:///{path}")
    seed(storage.session_factory, read_seed_data(REPO / "data"))
    storage.dispose()
    return path


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=EVENTS)
def test_random_event_sequences_keep_the_invariants(
    events: list[tuple[str, str]], seeded_template: Path, tmp_path_factory: pytest.TempPathFactory,
    engine: BuiltinEngine,
) -> None:  # fmt: skip
    path = tmp_path_factory.mktemp("prop") / "razem.db"
    shutil.copy(seeded_template, path)
    storage = open_storage(f"sqlite:///{path}", check=False)
    factory = storage.session_factory
    store = MemoryStateStore()
    conversations = Conversations(Settings(_env_file=None), factory, store, engine)  # type: ignore[call-arg]

    async def drive() -> None:
        for kind, value in events:
            if kind == "text":
                replies = await conversations.on_text(Channel.TERMINAL, "prop", value)
            elif kind == "button":
                replies = await conversations.on_event(Channel.TERMINAL, "prop", e.Button(value))
            else:
                replies = await conversations.on_event(Channel.TERMINAL, "prop", e.Command(value))
            assert replies, (kind, value)  # the person always gets an answer
            document = await store.get(StateKey("terminal", "prop"))
            assert State.from_document(document).to_document() == (
                document or State().to_document()
            )

    asyncio.run(drive())
    with factory() as session:
        for case in session.scalars(select(Case)):
            assert case.partner_id is not None  # every case has a queue
            client = session.get(Client, case.client_id) if case.client_id else None
            assert client is None or client.consent_at is not None  # no case without consent
    storage.dispose()
