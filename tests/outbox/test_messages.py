"""Outbox messages survive the table: every kind is read back as it was written, and rows
written by the earlier, untyped outbox are still read."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.outbox.messages import (
    CaseCard,
    CaseTopic,
    Escalation,
    Message,
    PersonNotice,
    PersonNoticeKind,
    Reminder,
    Reply,
    ToPerson,
    TopicNotice,
    TopicNoticeKind,
    ToTopic,
    UnreadableMessage,
    dump,
    load,
)

words = st.text(max_size=40)
maybe = st.none() | words
slugs = st.from_regex(r"[a-z][a-z-]{0,20}", fullmatch=True)
references = st.from_regex(r"[A-Z]-[0-9]{4,6}", fullmatch=True)
chats = st.integers(min_value=1, max_value=10**12).map(str)
buttons = st.lists(st.lists(st.tuples(words, words).map(tuple), max_size=3).map(tuple), max_size=3)

messages: st.SearchStrategy[Message] = st.one_of(
    st.builds(CaseCard, slugs, references),
    st.builds(CaseTopic, slugs, references),
    st.builds(ToTopic, slugs, references, maybe, maybe, maybe, maybe, st.booleans()),
    st.builds(ToPerson, chats, references, words, maybe, maybe, maybe),
    st.builds(PersonNotice, chats, references, st.sampled_from(PersonNoticeKind), words),
    st.builds(TopicNotice, slugs, references, st.sampled_from(TopicNoticeKind)),
    st.builds(Reminder, slugs, references),
    st.builds(Escalation, slugs, references, slugs),
    st.builds(Reply, chats, words, buttons.map(tuple)),
)


@given(messages)
def test_every_message_is_read_back_as_written(message: Message) -> None:
    row = dump(message)
    stored = json.loads(json.dumps(row.payload))  # as the JSON column gives it back
    assert load(row.kind.value, row.chat, stored) == message


@pytest.mark.parametrize(
    ("kind", "chat", "payload", "expected"),
    [
        ("case_card", "partner:sip", {"reference": "L-1001"}, CaseCard("sip", "L-1001")),
        ("to_client", "42", {"reference": "L-1001", "notice": "closed", "partner": "SIP"},
         PersonNotice("42", "L-1001", PersonNoticeKind.CLOSED, "SIP")),
        ("to_client", "42", {"reference": "L-1001", "partner": "SIP", "text": "Dzień dobry",
                             "media_kind": None, "media_reference": None},
         ToPerson("42", "L-1001", "SIP", "Dzień dobry")),
        ("to_topic", "partner:sip", {"reference": "L-1001", "text": "hi", "media_kind": None,
                                     "media_reference": None},
         ToTopic("sip", "L-1001", "hi")),
        ("notice", "partner:sip", {"reference": "L-1001", "notice": "blocked"},
         TopicNotice("sip", "L-1001", TopicNoticeKind.BLOCKED)),
        ("escalation", "partner:consortium", {"reference": "L-1001", "partner": "sip"},
         Escalation("consortium", "L-1001", "sip")),
    ],
)  # fmt: skip
def test_rows_of_the_untyped_outbox_are_still_read(
    kind: str, chat: str, payload: dict[str, object], expected: Message
) -> None:
    assert load(kind, chat, payload) == expected


@pytest.mark.parametrize(
    ("kind", "payload"),
    [("carrier_pigeon", {"reference": "L-1"}), ("case_card", {}),
     ("to_client", {"reference": "L-1", "notice": "exploded"})],
)  # fmt: skip
def test_a_row_nobody_can_read_is_refused_with_a_reason(
    kind: str, payload: dict[str, object]
) -> None:
    with pytest.raises(UnreadableMessage):
        load(kind, "partner:sip", payload)
