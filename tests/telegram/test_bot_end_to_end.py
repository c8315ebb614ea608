"""`razem run` as a real process, talking HTTP to a local fake Bot API server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bootstrap import open_storage
from bot.i18n import translator
from bot.storage.models import Case
from tests.cli.test_cli import assert_one_line_error, razem
from tests.conversations.test_journeys import LEGAL
from tests.support.fake_bot_api import TOKEN, FakeBotApi, running_fake_bot_api


def last_buttons(api: FakeBotApi, chat_id: int) -> list[str]:
    for params in reversed(api.sent(chat_id=chat_id)):
        markup = params.get("reply_markup")
        if markup:
            return [button["callback_data"] for row in markup["inline_keyboard"] for button in row]
    return []


def step(
    api: FakeBotApi, chat_id: int, *, text: str | None = None, press: str | None = None
) -> list[dict]:
    before = len(api.sent(chat_id=chat_id))
    if text is not None:
        api.text(chat_id, text)
    else:
        assert press is not None
        buttons = last_buttons(api, chat_id)
        choice = next((b for b in buttons if b == press or b.startswith(press)), None)
        assert choice is not None, f"no {press!r} in {buttons}"
        api.press(chat_id, choice)
    return api.wait_sent(chat_id, before + 1)[before:]


@pytest.mark.parametrize("lang", ["uk", "ru", "en", "pl"])
def test_a_migrant_goes_from_start_to_a_case(
    bot: tuple[FakeBotApi, dict[str, str]], lang: str
) -> None:
    api, env = bot
    chat = 5000 + ["uk", "ru", "en", "pl"].index(lang)
    t = translator(lang)
    step(api, chat, text="/start")
    step(api, chat, press=f"lang:{lang}")
    consent = api.sent(chat_id=chat)[-1]
    assert consent["parse_mode"] == "HTML"
    assert t._("Before I pass your request to a person, I need your consent.") in consent["text"]
    step(api, chat, press="consent:yes")
    step(api, chat, text=LEGAL[lang])
    step(api, chat, press="helped:no" if "helped:no" in last_buttons(api, chat) else "confirm:yes")
    step(api, chat, press="city:Lublin")
    done = step(api, chat, press="details:skip")
    storage = open_storage(env["RAZEM_DATABASE_URL"])
    with storage.session_factory() as session:
        case = session.scalars(select(Case).where(Case.language == lang)).one()
    storage.dispose()
    assert case.reference in done[-1]["text"]
    assert any(c.method == "answerCallbackQuery" for c in api.calls)


def test_commands_are_localised_in_the_bot_menu(bot: tuple[FakeBotApi, dict[str, str]]) -> None:
    api, _ = bot
    api.wait_for(lambda: len(api.sent("setMyCommands")) >= 5)
    by_language = {
        params.get("language_code"): params["commands"] for params in api.sent("setMyCommands")
    }
    assert set(by_language) == {"uk", "ru", "en", "pl", None}
    names = [c["command"] for c in by_language["uk"]]
    assert names == ["start", "help", "cases", "language", "mydata", "forget", "emergency"]
    assert by_language["uk"][-1]["description"] == translator("uk")._("Emergency numbers")
    assert by_language["pl"][-1]["description"] == translator("pl")._("Emergency numbers")


def test_unsupported_content_gets_a_short_message_in_the_persons_language(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    api, _ = bot
    step(api, 6001, text="/start")
    step(api, 6001, press="lang:ru")
    api.sticker(6001, language_code="ru")
    sent = api.wait_sent(6001, 3)
    expected = translator("ru")._(
        "I can't read this kind of message. Please write in words, or send a photo or a document."
    )
    assert sent[-1]["text"] == expected


def test_an_urgent_first_message_gets_emergency_numbers_first(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    api, _ = bot
    api.text(6002, "pomocy, mąż mnie bije i mówi, że mnie zabije, jestem z dziećmi w łazience")
    first = api.wait_sent(6002, 1)[0]
    assert "112" in first["text"] and "800 120 002" in first["text"]  # violence at home
    assert first["text"].startswith(translator("pl")._(
        "If you or someone near you is in danger right now, call 112: police, ambulance "
        "and fire brigade. It is free from any phone, and operators often speak English."
    ))  # fmt: skip


def test_a_429_from_telegram_is_retried_after_its_wait(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    api, _ = bot
    api.fail_next("sendMessage", 429, retry_after=1)
    api.text(6003, "/emergency", language_code="en")
    sent = api.wait_sent(6003, 1, timeout=20)
    assert "112" in sent[0]["text"]
    attempts = [
        c.status
        for c in api.calls
        if c.method == "sendMessage" and str(c.params.get("chat_id")) == "6003"
    ]
    assert attempts == [429, 200]


def test_a_missing_or_rejected_token_is_one_clear_line(database: dict[str, str]) -> None:
    assert_one_line_error(razem("run", env=database), "TELEGRAM_BOT_TOKEN: not set")
    with running_fake_bot_api() as (_api, base_url):
        env = database | {"TELEGRAM_BOT_TOKEN": "999:wrong", "RAZEM_TELEGRAM_BASE_URL": base_url}
        assert_one_line_error(razem("run", env=env), "TELEGRAM_BOT_TOKEN: rejected by")
    env = database | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "RAZEM_TELEGRAM_BASE_URL": "http://127.0.0.1:1/bot",
    }
    assert_one_line_error(razem("run", env=env), "RAZEM_TELEGRAM_BASE_URL: cannot reach")
