"""Entities read from text: towns, dates, children — four languages, inflections, translit."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from nlu.entities import WARSAW, extract, find_children, find_city, find_dates
from tests.nlu.conftest import REPO

# A Tuesday noon in Warsaw.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=WARSAW)
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("живу у Вроцлаві", "Wrocław"),
        ("шукаю квартиру у Вроцлав", "Wrocław"),
        ("во Вроцлаве есть врач?", "Wrocław"),
        ("mieszkam we Wrocławiu", "Wrocław"),
        ("mieszkam we Wroclawiu", "Wrocław"),
        ("zhyvemo u Vrotslavi", "Wrocław"),
        ("v Poznani pratsiuiu", "Poznań"),
        ("працюю в Познані", "Poznań"),
        ("в Познани работаю", "Poznań"),
        ("pracuję w Poznaniu", "Poznań"),
        ("in Poznan since May", "Poznań"),
        ("in Warsaw now", "Warszawa"),
        ("Варшава", "Warszawa"),
        ("ми у Варшаві", "Warszawa"),
        ("мы в Варшаве", "Warszawa"),
        ("Varshava", "Warszawa"),
        ("z Warszawy", "Warszawa"),
        ("w Lublinie", "Lublin"),
        ("у Любліні", "Lublin"),
        ("в Люблине", "Lublin"),
        ("v Liublini", "Lublin"),
        ("v Lubline", "Lublin"),
    ],
)
def test_the_four_cities_in_any_language_case_and_script(text: str, city: str) -> None:
    found = find_city(text)
    assert found is not None and found.city == city and found.town == city, found


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("живу в Кракові", "Kraków"),
        ("из Кракова", "Kraków"),
        ("w Krakowie", "Kraków"),
        ("v Krakovi", "Kraków"),
        ("у Гданську", "Gdańsk"),
        ("w Gdańsku", "Gdańsk"),
        ("в Лодзі", "Łódź"),
        ("w Łodzi", "Łódź"),
        ("w Lodzi", "Łódź"),
        ("w Zielonej Górze", "Zielona Góra"),
        ("в Перемишлі", "Przemyśl"),
        ("w Rzeszowie", "Rzeszów"),
        ("в Жешуві", "Rzeszów"),
        ("Szczecin", "Szczecin"),
        ("в Белостоке", "Białystok"),
    ],
)
def test_another_polish_town_is_other_with_its_name(text: str, town: str) -> None:
    found = find_city(text)
    assert found is not None and found.city == "other" and found.town == town, found


def test_a_partner_city_wins_over_another_town() -> None:
    found = find_city("Ми переїжджаємо з Кракова до Вроцлава")
    assert found is not None and found.city == "Wrocław" and found.text == "Вроцлава"


@pytest.mark.parametrize(
    "text",
    ["я люблю Польщу", "poznanie języka", "Lubię tu mieszkać", "kochamy Polskę", "мені 24 роки"],
)
def test_words_that_only_look_like_towns_are_not_towns(text: str) -> None:
    assert find_city(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("рішення прийшло 20 листопада", [date(2026, 11, 20)]),
        ("решение пришло 20 ноября", [date(2026, 11, 20)]),
        ("decyzja przyszła 20 listopada", [date(2026, 11, 20)]),
        ("the decision came on 20 November", [date(2026, 11, 20)]),
        ("decision came November 20th", [date(2026, 11, 20)]),
        ("rishennia pryishlo 20 lystopada", [date(2026, 11, 20)]),
        ("reshenie prishlo 20 noyabrya", [date(2026, 11, 20)]),
        # A day and month nearest to today: next January is a deadline, not last January.
        ("термін до 15 січня", [date(2027, 1, 15)]),
        ("decyzja z 3 marca 2025", [date(2025, 3, 3)]),
        ("до п'ятниці", [date(2026, 12, 4)]),
        ("do pyatnytsi", [date(2026, 12, 4)]),
        ("до пятницы", [date(2026, 12, 4)]),
        ("do piątku", [date(2026, 12, 4)]),
        ("do piatku", [date(2026, 12, 4)]),
        ("until Friday", [date(2026, 12, 4)]),
        ("у вівторок", [date(2026, 12, 1)]),
        ("fever since Sunday", [date(2026, 11, 29)]),
        ("od piątku nie płacą", [date(2026, 11, 27)]),
        ("з минулої п'ятниці", [date(2026, 11, 27)]),
        ("через 3 дні", [date(2026, 12, 4)]),
        ("cherez 3 dni", [date(2026, 12, 4)]),
        ("через 3 дня", [date(2026, 12, 4)]),
        ("za 3 dni", [date(2026, 12, 4)]),
        ("in 3 days", [date(2026, 12, 4)]),
        ("через тиждень", [date(2026, 12, 8)]),
        ("za dwa tygodnie", [date(2026, 12, 15)]),
        ("in two weeks", [date(2026, 12, 15)]),
        ("3 дні тому", [date(2026, 11, 28)]),
        ("5 дней назад", [date(2026, 11, 26)]),
        ("a week ago", [date(2026, 11, 24)]),
        ("завтра", [date(2026, 12, 2)]),
        ("jutro", [date(2026, 12, 2)]),
        ("сьогодні ночувати ніде", [date(2026, 12, 1)]),
        ("вчера", [date(2026, 11, 30)]),
        ("termin 15.12.2026", [date(2026, 12, 15)]),
        ("z dnia 03.11", [date(2026, 11, 3)]),
        ("2026-11-20", [date(2026, 11, 20)]),
    ],
)
def test_dates_are_calendar_dates_relative_to_the_message(text: str, expected: list[date]) -> None:
    assert [d.date for d in find_dates(text, TODAY)] == expected


@pytest.mark.parametrize(
    "text",
    ["кімната за 2000 зл", "ціна 20.50 zł", "дитині 1.5 роки", "добрий день", "we live in Poland"],
)
def test_prices_ages_and_greetings_are_not_dates(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_the_date_is_taken_in_warsaw() -> None:
    late_in_utc = datetime.fromisoformat("2026-12-01T23:30:00+00:00")  # Wednesday in Warsaw
    assert [d.date for d in extract("завтра", late_in_utc).dates] == [date(2026, 12, 3)]


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("синові 8 років", [8]),
        ("synovi 8 rokiv", [8]),
        ("сыну 8 лет", [8]),
        ("syn ma 8 lat", [8]),
        ("mieszkam z synem (7 lat)", [7]),
        ("my son is 8", [8]),
        ("двоє дітей 4 і 9 років", [4, 9]),
        ("дети 4 и 9 лет", [4, 9]),
        ("dzieci 4 i 9 lat", [4, 9]),
        ("kids aged 4 and 9", [4, 9]),
        ("10-річна донька", [10]),
        ("10-летний сын", [10]),
        ("10-letnia córka", [10]),
        ("my 10 year old daughter", [10]),
        ("Синочку 1,5 роки", [1.5]),
        ("дитині 8 місяців", [0.7]),
        ("baby 3 months old", [0.2]),
    ],
)
def test_children_with_their_ages(text: str, ages: list[float]) -> None:
    assert [c.age for c in find_children(text)] == ages


@pytest.mark.parametrize(
    "text", ["у нас дитина", "z dzieckiem", "с ребёнком", "with my daughter", "z dytynoiu"]
)
def test_a_child_without_an_age(text: str) -> None:
    assert [c.age for c in find_children(text)] == [None]


@pytest.mark.parametrize(
    "text",
    ["Мамі 72 роки", "дівчина 24 роки шукає кімнату", "I'm 29, husband 33", "кімната 2000 зл"],
)
def test_adults_and_prices_are_not_children(text: str) -> None:
    assert find_children(text) == []


def test_entities_dev_split_precision_and_recall(engine) -> None:  # type: ignore[no-untyped-def]
    from nlu.evaluate import evaluate, read_labelled

    report = evaluate(engine, read_labelled(REPO / "nlu" / "tests" / "entities_dev.jsonl"))
    for kind in ("city", "dates", "children"):
        row = report["entities"][kind]
        assert row["precision"] >= 0.9 and row["recall"] >= 0.9, (kind, row)


def test_the_parse_returns_entities_of_the_whole_request(engine) -> None:  # type: ignore[no-untyped-def]
    parse = engine.parse(
        "decyzja przyszła 20 listopada", context=["Mieszkam we Wrocławiu z synem (7 lat)"], now=NOW
    )
    body = parse.to_json()
    assert body["city"] == {"city": "Wrocław", "town": "Wrocław", "text": "Wrocławiu"}
    assert body["dates"] == [{"date": "2026-11-20", "text": "20 listopada"}]
    assert body["children"] == [{"age": 7, "text": "synem (7 lat"}]
