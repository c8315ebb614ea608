"""Telegram misbehaving: a 429 storm, a 502 outage, answers lost after Telegram acted.
Each test counts the replies lost and doubled; none may be lost."""

from __future__ import annotations

import contextlib
import time

from bot.flows import texts
from bot.i18n import translator
from bot.telegram.render import to_html
from tests.support.fake_bot_api import FakeBotApi

PEOPLE = range(8101, 8111)


def answers(api: FakeBotApi, chat: int) -> list[str]:
    return [m["text"] for m in api.sent(chat_id=chat)]


def settle(api: FakeBotApi, expected: int, timeout: float) -> None:
    """Wait until every person has ``expected`` messages, then a little more for strays."""
    with contextlib.suppress(AssertionError):  # counted by the test, with the numbers
        api.wait_for(lambda: all(len(answers(api, c)) >= expected for c in PEOPLE), timeout)
    time.sleep(2)


def test_a_429_storm_delays_replies_and_button_presses_but_loses_and_doubles_none(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    api, _ = bot
    uk = translator("uk")
    hello, consent = to_html(texts.language_choice(uk)), to_html(texts.consent(uk))
    api.outage("*", 429, seconds=8, retry_after=1)  # every call refused for 8 seconds
    for chat in PEOPLE:
        api.text(chat, "/start")
        api.press(chat, "lang:uk")  # pressed while Telegram refuses everything
    settle(api, 2, timeout=60)

    got = {chat: answers(api, chat) for chat in PEOPLE}
    lost = sum(max(0, 2 - len(messages)) for messages in got.values())
    doubled = sum(max(0, len(messages) - 2) for messages in got.values())
    assert (lost, doubled) == (0, 0), got
    assert all(messages == [hello, consent] for messages in got.values())  # in order
    refused = [c for c in api.calls if c.method == "sendMessage" and c.status == 429]
    assert refused  # the storm was real


def test_answers_lost_after_telegram_acted_lose_nothing_and_double_only_those(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    api, _ = bot
    api.lose_answers("sendMessage", 3)
    for chat in PEOPLE:
        api.text(chat, "/start")
    settle(api, 1, timeout=60)
    with contextlib.suppress(AssertionError):  # the resends come after a 2 s backoff
        api.wait_for(lambda: len(api.sent()) >= len(PEOPLE) + 3, timeout=15)
    time.sleep(1)

    got = {chat: answers(api, chat) for chat in PEOPLE}
    lost = sum(1 for messages in got.values() if not messages)
    doubled = sum(len(messages) - 1 for messages in got.values() if messages)
    assert lost == 0, got
    # Telegram has no idempotency key: a message whose answer was lost is sent again.
    assert doubled <= 3, got
