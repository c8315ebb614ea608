"""The numbers that fit each kind of danger (the partners' facts), 112 first."""

from __future__ import annotations

import pytest

from bot.flows import texts
from bot.i18n import translator

LANGS = ("uk", "ru", "en", "pl")
PSYCHIATRIC = ("116 123", "800 70 2222")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("kind", "present", "absent"),
    [
        ("suicide_self_harm", ("112", "116 123", "800 70 2222"), ("800 120 002",)),
        ("violence", ("112", "800 120 002"), PSYCHIATRIC),
        ("child_at_risk", ("112", "116 111"), PSYCHIATRIC),
        ("trafficking_forced_labour", ("112", "+48 22 628 01 20"), PSYCHIATRIC),
        ("homeless_tonight", ("112", "MOPS"), PSYCHIATRIC),
        ("medical_emergency", ("112", "999"), PSYCHIATRIC),
        ("detention_removal", (), (*PSYCHIATRIC, "116 111")),
    ],
)
def test_each_danger_gets_the_lines_that_fit(
    lang: str, kind: str, present: tuple[str, ...], absent: tuple[str, ...]
) -> None:
    reply = texts.emergency(translator(lang), [kind])
    assert reply.emergency
    for number in present:
        assert number in reply.text
    for number in absent:
        assert number not in reply.text


@pytest.mark.parametrize("lang", LANGS)
def test_112_comes_first_when_life_may_be_at_risk(lang: str) -> None:
    t = translator(lang)
    reply = texts.emergency(t, ["child_at_risk", "suicide_self_harm"])
    assert reply.text.startswith(t._(
        "If you or someone near you is in danger right now, call 112: police, ambulance "
        "and fire brigade. It is free from any phone, and operators often speak English."
    ))  # fmt: skip
    assert reply.text.count("112:") == 1  # no line twice


@pytest.mark.parametrize("lang", LANGS)
def test_danger_sensed_without_a_name_gets_the_general_crisis_lines(lang: str) -> None:
    for kinds in ([], ["model"]):
        text = texts.emergency(translator(lang), kinds).text
        assert all(n in text for n in ("112", "116 123", "116 111", "800 70 2222"))


@pytest.mark.parametrize("lang", LANGS)
def test_the_emergency_command_lists_every_line(lang: str) -> None:
    text = texts.emergency(translator(lang)).text
    for number in ("112", "116 123", "116 111", "800 70 2222", "800 120 002", "+48 22 628 01 20"):
        assert number in text
    if lang != "en":
        assert "violence at home" not in text  # really translated
