"""Partner staff on Telegram: link a group, the case card arrives via the outbox, Take."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import open_storage
from bot.i18n import translator
from bot.services.results import Done, RefusalReason, refusal_text
from bot.storage.models import AuditEntry, Case, OutboxMessage
from tests.cli.test_cli import razem
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram.test_bot_end_to_end import LEGAL, last_buttons, step

GROUP = -1001234
ANNA, OKSANA, STRANGER = 501, 502, 999


def link_homo_faber(api: FakeBotApi, env: dict[str, str]) -> None:
    printed = razem("partner", "link", "homo-faber", env=env)
    assert printed.returncode == 0, printed.stderr
    code = re.search(r"/link (\w+)", printed.stdout).group(1)  # type: ignore[union-attr]
    for name, user in (("Anna", ANNA), ("Oksana", OKSANA)):
        added = razem(
            "staff", "add", "homo-faber", "--name", name, "--telegram-id", str(user), env=env
        )
        assert added.returncode == 0, added.stderr
    api.text(GROUP, "/link WRONGCODE", chat_type="supergroup", user_id=ANNA)
    refused = api.wait_sent(GROUP, 1)
    assert (
        "not valid" in refused[-1]["text"]
        or translator("pl")._(
            "This code is not valid or has expired. Ask a coordinator for a new one."
        )
        == refused[-1]["text"]
    )
    api.text(GROUP, f"/link {code}", chat_type="supergroup", user_id=ANNA)
    linked = api.wait_sent(GROUP, 2)
    assert linked[-1]["text"] == translator("pl")._(
        "This group is now the queue of {partner}.", partner="homo-faber"
    )


def create_case(api: FakeBotApi, chat: int) -> None:
    step(api, chat, text="/start")
    step(api, chat, press="lang:uk")
    step(api, chat, press="consent:yes")
    step(api, chat, text=LEGAL["uk"] + " <script>alert(1)</script>")
    step(api, chat, press="helped:no" if "helped:no" in last_buttons(api, chat) else "confirm:yes")
    step(api, chat, press="city:Lublin")
    step(api, chat, press="details:skip")


def take_new_case(api: FakeBotApi, env: dict[str, str], chat: int) -> None:
    """homo-faber's group linked, a person in ``chat`` makes case L-1001, Anna takes it."""
    link_homo_faber(api, env)
    create_case(api, chat)
    api.wait_for(
        lambda: any("take:L-1001" in str(m.get("reply_markup")) for m in api.sent(chat_id=GROUP)),
        timeout=20,
    )
    api.press(GROUP, "take:L-1001", chat_type="supergroup", user_id=ANNA)


def case_row(env: dict[str, str]) -> Case:
    storage = open_storage(env["RAZEM_DATABASE_URL"])
    with storage.session_factory() as session:
        case = session.scalars(select(Case)).one()
    storage.dispose()
    return case


def test_a_new_case_card_reaches_the_group_and_exactly_one_take_wins(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    api, env = bot
    link_homo_faber(api, env)
    create_case(api, 7001)
    api.wait_for(
        lambda: any("L-1001" in m.get("text", "") for m in api.sent(chat_id=GROUP)), timeout=20
    )
    card = next(m for m in api.sent(chat_id=GROUP) if "L-1001" in m.get("text", ""))
    assert "legal / legal_work · uk · Lublin" in card["text"]
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in card["text"] and "<script>" not in card["text"]
    )
    assert "7001" not in card["text"] and "Olena" not in card["text"]  # pseudonymous
    assert card["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "take:L-1001"

    api.press(GROUP, "take:L-1001", chat_type="supergroup", user_id=STRANGER)
    api.wait_for(lambda: bool(_answers(api)))
    refusal = _answers(api)[-1]
    assert refusal["text"] == translator("pl")._(
        "Only registered staff of this organisation can take cases."
    )
    assert case_row(env).status.value == "new"

    presses = [threading.Thread(target=api.press, args=(GROUP, "take:L-1001"),
                                kwargs={"chat_type": "supergroup", "user_id": user}) for user in (ANNA, OKSANA)]  # fmt: skip
    for press in presses:
        press.start()
    for press in presses:
        press.join()
    api.wait_for(lambda: len(_answers(api)) >= 3)
    api.wait_for(lambda: bool(api.sent("editMessageText", GROUP)), timeout=20)
    case = case_row(env)
    assert case.status.value == "claimed" and case.card_message_id is not None
    edited = api.sent("editMessageText", GROUP)[-1]
    taker = "Anna" if case.assignee_id == 1 else "Oksana"
    assert f"{translator('pl')._('Taken by {name}', name=taker)}" in edited["text"]
    assert str(edited["message_id"]) == str(case.card_message_id)
    assert not edited.get("reply_markup")  # no Take button any more
    answers = [a["text"] for a in _answers(api)][-2:]
    assert sorted(answers) == sorted([translator("pl")._("You took {reference}.", reference="L-1001"),
                                      refusal_text(RefusalReason.ALREADY_TAKEN, translator("pl"))])  # fmt: skip
    storage = open_storage(env["RAZEM_DATABASE_URL"])
    with storage.session_factory() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    storage.dispose()
    assert {"group_linked", "take_refused", "case_claimed"} <= actions


def test_a_card_for_an_unlinked_group_waits_and_an_outage_loses_nothing(
    bot: tuple[FakeBotApi, dict[str, str]], tmp_path: Path
) -> None:
    api, env = bot
    create_case(api, 7002)  # homo-faber has no group yet: the card waits in the outbox
    storage = open_storage(env["RAZEM_DATABASE_URL"])
    factory = storage.session_factory
    try:
        api.wait_for(
            lambda: _outbox(factory) and _outbox(factory)[0][1] is not None, timeout=20
        )  # tried once
    except AssertionError:
        raise AssertionError(
            f"outbox: {_outbox(factory)}; calls: {[c.method for c in api.calls][-10:]}"
        ) from None
    assert _outbox(factory)[0][0] == "pending"
    link_homo_faber(api, env)
    api.fail_next("sendMessage", 502)  # Telegram has an outage when the card is retried
    api.fail_next("sendMessage", 500)
    with factory.begin() as session:  # don't wait the 5 minutes for the test
        for row in session.scalars(select(OutboxMessage)):
            row.next_attempt_at = row.created_at
    api.wait_for(lambda: _outbox(factory)[0][0] == "sent", timeout=40)
    cards = [m for m in api.sent(chat_id=GROUP) if "L-1001" in m.get("text", "")]
    assert len(cards) == 1  # delivered once, after the outage, not duplicated
    storage.dispose()


def _outbox(factory) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    """The messages to staff groups (replies to the person go through the outbox too)."""
    with factory() as session:
        return [
            (r.status.value, r.last_error)
            for r in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id.startswith("partner:"))
                .order_by(OutboxMessage.id)
            )
        ]


def _answers(api: FakeBotApi) -> list[dict]:
    """Answers to button presses that said something (not the silent private-chat ones)."""
    return [
        c.params for c in api.calls if c.method == "answerCallbackQuery" and c.params.get("text")
    ]


def test_after_take_a_topic_carries_the_conversation_both_ways(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    api, env = bot
    take_new_case(api, env, 7003)
    api.wait_for(lambda: bool(api.sent("createForumTopic")), timeout=20)
    topic_call = api.sent("createForumTopic")[0]
    assert (
        topic_call["name"].startswith("L-1001 · legal · uk · Lublin")
        and "Olena" not in topic_call["name"]
    )
    api.wait_for(lambda: case_row(env).telegram_topic_id is not None, timeout=20)
    topic = case_row(env).telegram_topic_id

    def in_topic() -> list[dict]:
        return [m for m in api.sent(chat_id=GROUP) if str(m.get("message_thread_id")) == str(topic)]

    api.wait_for(lambda: bool(in_topic()), timeout=20)
    history = in_topic()[0]["text"]
    assert history.startswith(translator("pl")._("Case {reference}: history", reference="L-1001"))
    assert "&lt;script&gt;" in history

    # The person writes: it goes to the topic, and the bot does not answer in staff's place.
    before = len(api.sent(chat_id=7003))
    api.text(7003, "Я надішлю договір завтра")
    api.wait_for(
        lambda: any("Я надішлю договір завтра" in m.get("text", "") for m in in_topic()), timeout=20
    )
    assert len(api.sent(chat_id=7003)) == before

    # A photo of a document reaches the topic as a photo.
    api.photo(7003)
    api.wait_for(
        lambda: any(
            str(m.get("message_thread_id")) == str(topic) for m in api.sent("sendPhoto", GROUP)
        ),
        timeout=20,
    )
    assert api.sent("sendPhoto", GROUP)[-1]["photo"] == "photo-1"

    # Staff answer in the topic: the person gets it signed by the organisation.
    api.topic_text(
        GROUP, topic, "Добрий день! Візьміть, будь ласка, паспорт і договір.", user_id=ANNA
    )
    api.wait_for(lambda: len(api.sent(chat_id=7003)) > before, timeout=20)
    relayed = api.sent(chat_id=7003)[-1]["text"]
    assert relayed.startswith(
        translator("uk")._("{partner} writes:", partner="Stowarzyszenie Homo Faber")
    )
    assert "паспорт і договір" in relayed and "Anna" not in relayed

    # An internal note stays in the group; a stranger's message in the topic is not relayed.
    api.topic_text(GROUP, topic, "/note перевірити строки", user_id=ANNA)
    api.topic_text(GROUP, topic, "spam from a stranger", user_id=STRANGER)
    count = len(api.sent(chat_id=7003))
    storage = open_storage(env["RAZEM_DATABASE_URL"])
    factory = storage.session_factory
    api.wait_for(lambda: _directions(factory).count("note") == 1, timeout=20)
    api.wait_sent(7003, count)
    assert len(api.sent(chat_id=7003)) == count
    assert all("stranger" not in m.get("text", "") for m in api.sent(chat_id=7003))

    # The person blocks the bot: staff get a notice in the topic, not silence.
    api.fail_next("sendMessage", 403)
    api.topic_text(GROUP, topic, "Ви тут?", user_id=ANNA)
    notice = translator("pl")._(
        "The person has blocked the bot. Your messages no longer reach them."
    )
    api.wait_for(lambda: any(m.get("text") == notice for m in in_topic()), timeout=30)
    storage.dispose()


def _directions(factory) -> list[str]:  # type: ignore[no-untyped-def]
    from bot.storage.models import CaseMessage

    with factory() as session:
        return [d.value for d in session.scalars(select(CaseMessage.direction))]


def test_close_rate_reopen_and_transfer(bot: tuple[FakeBotApi, dict[str, str]]) -> None:
    api, env = bot
    take_new_case(api, env, 7004)
    api.wait_for(lambda: case_row(env).telegram_topic_id is not None, timeout=20)
    topic = case_row(env).telegram_topic_id
    assert topic is not None
    uk = translator("uk")

    before = len(api.sent(chat_id=7004))
    api.topic_text(GROUP, topic, "/close", user_id=ANNA)
    api.wait_for(lambda: len(api.sent(chat_id=7004)) > before, timeout=20)
    closing = api.sent(chat_id=7004)[-1]
    assert closing["text"] == uk._(
        "Your request {reference} is closed. How would you rate the help you got? 1 is bad, 5 is very good.",
        reference="L-1001",
    )
    assert [b["callback_data"] for b in closing["reply_markup"]["inline_keyboard"][0]] == [
        f"rate:L-1001:{n}" for n in range(1, 6)
    ]
    assert case_row(env).status.value == "closed"

    api.press(7004, "rate:L-1001:5")
    api.wait_for(lambda: case_row(env).rating == 5, timeout=20)
    api.press(7004, "rate:L-1001:9")  # a forged rating is refused, the stored one stays
    api.wait_for(
        lambda: api.sent(chat_id=7004)[-1]["text"] == uk._("This rating could not be saved."),
        timeout=20,
    )
    assert case_row(env).rating == 5

    api.topic_text(GROUP, topic, "/reopen", user_id=ANNA)
    api.wait_for(lambda: case_row(env).status.value == "claimed", timeout=20)
    api.wait_for(lambda: api.sent(chat_id=7004)[-1]["text"].startswith(uk._(
        "Your request {reference} has been opened again. The organisation will write to you here.", reference="L-1001")), timeout=20)  # fmt: skip

    api.topic_text(GROUP, topic, "/transfer nobody because", user_id=ANNA)
    api.topic_text(GROUP, topic, "/transfer sip потрібен юрист у справі затримання", user_id=ANNA)
    api.wait_for(
        lambda: case_row(env).status.value == "new" and case_row(env).assignee_id is None,
        timeout=20,
    )
    api.wait_for(
        lambda: "Stowarzyszenie Interwencji Prawnej" in api.sent(chat_id=7004)[-1]["text"],
        timeout=20,
    )
    replies = [
        m["text"]
        for m in api.sent(chat_id=GROUP)
        if str(m.get("message_thread_id")) == str(topic) or "reply_parameters" in m
    ]
    assert refusal_text(RefusalReason.UNKNOWN_PARTNER, translator("pl")) in replies


def test_untaken_cases_are_reminded_then_escalated_and_a_restart_loses_nothing(
    database: dict[str, str],
) -> None:
    import signal
    import subprocess
    from datetime import timedelta

    from tests.cli.test_cli import RAZEM, REPO, _clean_env
    from tests.support.fake_bot_api import TOKEN, running_fake_bot_api

    with running_fake_bot_api() as (api, base_url):
        env = database | {"TELEGRAM_BOT_TOKEN": TOKEN, "RAZEM_TELEGRAM_BASE_URL": base_url}

        def start() -> subprocess.Popen[str]:
            process = subprocess.Popen([RAZEM, "run"], env=_clean_env(env), cwd=REPO, text=True,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            calls = len(api.calls)
            api.wait_for(
                lambda: any(c.method == "getUpdates" for c in api.calls[calls:]), timeout=60
            )
            return process

        bot_process = start()
        link_homo_faber(api, env)
        printed = razem("partner", "link", "consortium", env=env)
        code = re.search(r"/link (\w+)", printed.stdout).group(1)  # type: ignore[union-attr]
        api.text(-2002, f"/link {code}", chat_type="supergroup", user_id=ANNA)
        api.wait_sent(-2002, 1)
        create_case(api, 7005)
        api.wait_for(
            lambda: any(
                "take:L-1001" in str(m.get("reply_markup")) for m in api.sent(chat_id=GROUP)
            ),
            timeout=20,
        )
        bot_process.kill()  # a crash, not a clean stop
        bot_process.wait()

        storage = open_storage(env["RAZEM_DATABASE_URL"])
        with storage.session_factory.begin() as session:  # the case has waited 70 minutes
            case = session.scalars(select(Case)).one()
            case.created_at = case.created_at - timedelta(minutes=70)
        storage.dispose()

        bot_process = start()
        pl = translator("pl")
        reminder = "⏰ " + pl._(
            "Case {reference} is still waiting: nobody has taken it yet.", reference="L-1001"
        )
        escalation = "⏰ " + pl._("Case {reference} in the queue of {partner} has not been taken in time.",
                                 reference="L-1001", partner="homo-faber")  # fmt: skip
        api.wait_for(
            lambda: any(m["text"] == reminder for m in api.sent(chat_id=GROUP)), timeout=30
        )
        api.wait_for(
            lambda: any(m["text"] == escalation for m in api.sent(chat_id=-2002)), timeout=30
        )
        bot_process.send_signal(signal.SIGINT)
        bot_process.wait(timeout=30)
        bot_process = start()  # and once more: nothing is sent twice
        api.wait_sent(GROUP, 1)
        bot_process.send_signal(signal.SIGINT)
        bot_process.wait(timeout=30)
        assert [m["text"] for m in api.sent(chat_id=GROUP)].count(reminder) == 1
        assert [m["text"] for m in api.sent(chat_id=-2002)].count(escalation) == 1
        cards = [m for m in api.sent(chat_id=GROUP) if m.get("text", "").startswith("L-1001")]
        assert len(cards) == 1


def test_transfer_from_the_queue_card(bot: tuple[FakeBotApi, dict[str, str]]) -> None:
    api, env = bot
    link_homo_faber(api, env)
    create_case(api, 7006)
    api.wait_for(
        lambda: any(
            "transfer:L-1001" in str(m.get("reply_markup")) for m in api.sent(chat_id=GROUP)
        ),
        timeout=20,
    )
    api.press(GROUP, "transfer:L-1001", chat_type="supergroup", user_id=ANNA)
    pl = translator("pl")
    hint = pl._(
        "To pass {reference} on, write here: /transfer {reference} PARTNER reason",
        reference="L-1001",
    )
    api.wait_for(lambda: any(a.get("text") == hint for a in _answers(api)), timeout=20)
    api.text(
        GROUP,
        "/transfer L-1001 hfhr sprawa o ochronę międzynarodową",
        chat_type="supergroup",
        user_id=ANNA,
    )
    api.wait_for(
        lambda: (
            case_row(env).routing_reason is not None
            and "transferred" in (case_row(env).routing_reason or "")
        ),
        timeout=20,
    )
    assert case_row(env).status.value == "new"
    api.wait_for(
        lambda: "Helsińska Fundacja Praw Człowieka" in api.sent(chat_id=7006)[-1]["text"],
        timeout=20,
    )


def test_a_reply_from_the_web_console_reaches_the_person_and_the_topic(
    bot: tuple[FakeBotApi, dict[str, str]],
) -> None:
    from bot.services.staff_cases import staff_message

    api, env = bot
    take_new_case(api, env, 7010)
    api.wait_for(lambda: case_row(env).telegram_topic_id is not None, timeout=20)
    topic = case_row(env).telegram_topic_id
    before = len(api.sent(chat_id=7010))
    storage = open_storage(env["RAZEM_DATABASE_URL"])
    factory = storage.session_factory
    # What the console's Reply and Note buttons call, as Anna (staff member 1).
    reply = staff_message(factory, "L-1001", 1, "Zadzwonimy jutro <b>o 10</b>.", from_console=True)
    assert reply == Done()
    assert (
        staff_message(factory, "L-1001", 1, "sprawdzić umowę", note=True, from_console=True)
        == Done()
    )
    api.wait_for(lambda: len(api.sent(chat_id=7010)) > before, timeout=20)
    assert "Zadzwonimy jutro &lt;b&gt;o 10&lt;/b&gt;." in api.sent(chat_id=7010)[-1]["text"]
    in_topic = lambda: [m.get("text", "") for m in api.sent(chat_id=GROUP)  # noqa: E731
                        if str(m.get("message_thread_id")) == str(topic)]  # fmt: skip
    api.wait_for(lambda: sum("Anna" in t for t in in_topic()) >= 2, timeout=20)
    shown = [t for t in in_topic() if "Anna" in t]
    assert any(t.startswith("💬 <b>Anna</b>: Zadzwonimy jutro &lt;b&gt;") for t in shown)
    assert any(t.startswith("📝 <b>Anna</b>: sprawdzić umowę") for t in shown)
    assert all("sprawdzić umowę" not in m.get("text", "") for m in api.sent(chat_id=7010))
    storage.dispose()
