"""What Telegram receives: escaped HTML, split at 4096 characters on word boundaries."""

from __future__ import annotations

from bot.flows.actions import Choice, Reply
from bot.telegram.render import keyboard, messages, split, to_html


def test_everything_a_person_wrote_is_escaped() -> None:
    reply = Reply('<img src=x onerror=alert(1)> & "quotes" <b>not bold</b>')
    assert (
        to_html(reply)
        == '&lt;img src=x onerror=alert(1)&gt; &amp; "quotes" &lt;b&gt;not bold&lt;/b&gt;'
    )


def test_vetted_faq_formatting_survives_but_nothing_else() -> None:
    reply = Reply("<b>112</b> and <i>free</i> <script>x</script>", rich=True)
    assert to_html(reply) == "<b>112</b> and <i>free</i> &lt;script&gt;x&lt;/script&gt;"


def test_long_text_is_split_on_word_boundaries_without_breaking_entities() -> None:
    text = ("слово &amp; " * 1000).strip()
    pieces = split(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert " ".join(pieces) == text
    for piece in pieces:
        assert (
            not piece.endswith("&") and not piece.endswith("&amp") and not piece.startswith("amp;")
        )


def test_one_very_long_word_is_still_cut() -> None:
    pieces = split("x" * 9000)
    assert [len(p) for p in pieces] == [4096, 4096, 808]


def test_the_keyboard_comes_with_the_last_piece_and_long_payloads_are_dropped() -> None:
    reply = Reply(
        "a " * 3000, rows=((Choice("Так", "consent:yes"), Choice("Too long", "faq:" + "x" * 70)),)
    )
    sent = messages(reply)
    assert len(sent) == 2 and sent[0][1] is None
    markup = sent[1][1]
    assert markup is not None and [
        [b.callback_data for b in row] for row in markup.inline_keyboard
    ] == [["consent:yes"]]
    assert keyboard(Reply("no buttons")) is None
