"""Button payloads are built and parsed in one module (bot/flows/payloads.py), by the
flows and by the Telegram adapter alike."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.flows import payloads
from bot.flows.payloads import ButtonKind, Pressed, Rating

references = st.from_regex(r"[A-Z]-[0-9]{4,7}", fullmatch=True)
values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(st.sampled_from(ButtonKind), values)
def test_every_button_reads_back_as_built(kind: ButtonKind, value: str) -> None:
    assert payloads.parse(payloads.button(kind, value)) == Pressed(kind, value)


@given(references, st.integers(min_value=0, max_value=99))
def test_a_rating_reads_back_and_fits_telegrams_64_bytes(reference: str, stars: int) -> None:
    built = payloads.rate(reference, stars)
    pressed = payloads.parse(built)
    assert pressed.kind == ButtonKind.RATE
    assert payloads.parse_rating(pressed.value) == Rating(reference, stars)
    assert len(built.encode()) <= payloads.MAX_BYTES


@given(references)
def test_staff_buttons_carry_the_reference(reference: str) -> None:
    assert payloads.parse(payloads.take(reference)) == Pressed(ButtonKind.TAKE, reference)
    assert payloads.parse(payloads.transfer(reference)) == Pressed(ButtonKind.TRANSFER, reference)


def test_unknown_and_forged_payloads_are_not_taken_for_buttons() -> None:
    assert payloads.parse("nonsense:1").kind is None
    assert payloads.parse("").kind is None
    assert payloads.parse_rating("L-1001:five") is None
    assert payloads.parse_rating("5") is None
