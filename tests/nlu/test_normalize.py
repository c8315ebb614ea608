"""The skeleton spelling brings scripts and spellings of one word together."""

from __future__ import annotations

import pytest

from nlu.normalize import basic, skeleton


@pytest.mark.parametrize(
    "variants",
    [
        ["карта побыту", "karta pobytu", "Karta Pobytu!!!", "карта побиту", "KARTA POBYTU"],
        ["вниосек", "wniosek", "vniosek", "вніосек"],
        ["що робити", "shcho robyty", "sho robiti", "scho robyty"],
        ["помощь нужна", "pomoshch nuzhna", "pomosh nuzhna"],
        ["urząd wojewódzki", "urzad wojewodzki", "URZAD WOJEWODZKI"],
        ["допомога", "dopomoha", "dopomoga"],
    ],
)
def test_spellings_of_one_phrase_share_a_skeleton(variants: list[str]) -> None:
    skeletons = {skeleton(v) for v in variants}
    assert len(skeletons) == 1, skeletons


def test_different_words_stay_different() -> None:
    assert skeleton("praca") != skeleton("prawo")
    assert skeleton("лікар") != skeleton("ліки")


def test_repeated_letters_and_case_are_tamed() -> None:
    assert basic("POMOCYYYYY") == "pomocyy"
    assert skeleton("800+ ZUS") == "800+ zus"
    assert skeleton("😭😭😭") == ""
