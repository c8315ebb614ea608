"""Recall first: every kind of crisis, in every language, is flagged, and staff see why."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.builtin import BuiltinEngine
from nlu.errors import NluDataError
from nlu.urgency import Lexicon
from tests.nlu.conftest import URGENT_CASES, read_jsonl

CASES = read_jsonl(URGENT_CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['lang']}-{i}" for i, c in enumerate(CASES)])
def test_every_crisis_in_every_language_is_urgent(engine: BuiltinEngine, case: dict) -> None:
    parse = engine.parse(case["text"])
    assert parse.urgent, case["text"]
    assert parse.urgent_signals


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("я більше не хочу жити, все набридло", "suicide_self_harm"),
        ("ne hochu zhit, dumayu o samoubiystve", "suicide_self_harm"),
        ("nie chce zyc, mysle o samobojstwie", "suicide_self_harm"),
        ("he said he will kill me when he comes back", "violence"),
        ("вин сказав що вбʼє мене", "violence"),
        ("нас закрили на фермі, паспорти забрали, не випускають", "trafficking_forced_labour"),
        ("zamkneli nas w hostelu i zabrali paszporty", "trafficking_forced_labour"),
        ("my brother was detained by border guard, deportation tomorrow", "detention_removal"),
        ("мужа задержали на границе", "detention_removal"),
        ("сьогодні нема де ночувати, ми з дітьми на вокзалі", "homeless_tonight"),
        ("nowhere to sleep tonight with my kids", "homeless_tonight"),
        ("моя мама потеряла сознание и не дышит", "medical_emergency"),
        ("zona stracila przytomnosc", "medical_emergency"),
        ("сусіди залишили дітей одних вдома вже на добу", "child_at_risk"),
    ],
)
def test_signals_name_the_kind_of_danger(engine: BuiltinEngine, text: str, signal: str) -> None:
    parse = engine.parse(text)
    assert parse.urgent
    assert signal in parse.urgent_signals, parse.urgent_signals


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "дякую",
        "jak złożyć wniosek o 800+",
        "где учить польский язык",
        "Roboty szukam w Poznaniu, mam doświadczenie na budowie",
        "нам затримали зарплату на тиждень, це законно?",
    ],
)
def test_ordinary_requests_are_not_urgent(engine: BuiltinEngine, text: str) -> None:
    assert not engine.parse(text).urgent


def test_a_broken_phrase_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "urgency.yml"
    path.write_text("signals:\n  violence: [kill]\n", encoding="utf-8")
    with pytest.raises(NluDataError, match=r"signals\.violence: expected 'phrases:'"):
        Lexicon.load(path)
