"""A refused case action in the partner group reads as the catalog sentence for its
reason: the same sentence the web console shows (tests/web/test_case_refusals.py)."""

from __future__ import annotations

from bot.i18n import translator
from bot.services.results import RefusalReason, refusal_text
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram.test_staff_group import ANNA, GROUP, case_row, take_new_case

STAFF_LOCALE = "pl"  # the bot's staff locale, as `razem run` is started in these tests


def _group_texts(api: FakeBotApi) -> list[str]:
    return [m.get("text", "") for m in api.sent(chat_id=GROUP)]


def test_refusals_in_the_group_are_the_catalog_sentences(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    api, env = bot
    t = translator(STAFF_LOCALE)
    take_new_case(api, env, 7020)
    api.wait_for(lambda: case_row(env).telegram_topic_id is not None, timeout=20)
    topic = case_row(env).telegram_topic_id
    assert topic is not None

    api.topic_text(GROUP, topic, "/reopen", user_id=ANNA)  # taken, not closed
    not_closed = refusal_text(RefusalReason.NOT_CLOSED, t)
    api.wait_for(lambda: not_closed in _group_texts(api), timeout=20)

    api.topic_text(GROUP, topic, "/transfer nobody bo tak", user_id=ANNA)
    unknown = refusal_text(RefusalReason.UNKNOWN_PARTNER, t)
    api.wait_for(lambda: unknown in _group_texts(api), timeout=20)

    # A reference that does not exist, from the group: the same answer another
    # partner's case gets (tests/services/test_case_refusals.py).
    api.text(GROUP, "/transfer L-9999 sip bo tak", chat_type="supergroup", user_id=ANNA)
    missing = refusal_text(RefusalReason.NOT_FOUND, t)
    api.wait_for(lambda: missing in _group_texts(api), timeout=20)

    api.topic_text(GROUP, topic, "/close", user_id=ANNA)
    api.wait_for(lambda: case_row(env).status.value == "closed", timeout=20)
    api.topic_text(GROUP, topic, "Jeszcze jedno pytanie?", user_id=ANNA)  # the case is closed
    closed = refusal_text(RefusalReason.NOT_OPEN, t)
    api.wait_for(lambda: closed in _group_texts(api), timeout=20)
    assert case_row(env).status.value == "closed"
