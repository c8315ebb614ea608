"""What the engine understands, per language and style, on messages not in training."""

from __future__ import annotations

import pytest

from nlu.builtin import BuiltinEngine
from nlu.training_data import read_training_data
from tests.nlu.conftest import DEV, NLU_DATA, URGENT_CASES, read_jsonl

# (text, language, category) — written for these tests, not in the training data.
MESSAGES = [
    ("Добрий день, у мене закінчується віза, як подати на карту побиту через МОС?", "uk", "legal"),
    (
        "dobryi den, shcho robyty yakshcho robotodavets ne platyt zarplatu vzhe 2 misiatsi",
        "uk",
        "legal",
    ),
    (
        "Підкажіть, будь ласка, де знайти сімейного лікаря, який говорить українською",
        "uk",
        "social",
    ),
    (
        "мені дуже погано, постійно сняться вибухи, не можу спати, потрібен психолог",
        "uk",
        "psychological",
    ),
    ("Здравствуйте, подскажите как записаться к врачу, у меня нет страховки нфз", "ru", "social"),
    ("zdravstvuyte, mne nuzhen yurist, rabotodatel zabral pasport i ne otdaet", "ru", "legal"),
    ("Ищу квартиру во Вроцлаве, хозяин выгоняет до конца месяца", "ru", "social"),
    (
        "после того как погиб брат я не могу ни есть ни спать, хочу поговорить с психологом",
        "ru",
        "psychological",
    ),
    (
        "dzien dobry potrzebuje pomocy z wnioskiem o karte pobytu, urzad nie odpowiada",
        "pl",
        "legal",
    ),
    ("Szukam kursu języka polskiego dla dorosłych w Lublinie, najlepiej wieczorem", "pl", "social"),
    (
        "moje dziecko boi się chodzić do szkoły, płacze w nocy, potrzebuję psychologa dziecięcego",
        "pl",
        "psychological",
    ),
    ("my employer didnt pay me for 3 month and now he say go away, what can i do", "en", "legal"),
    (
        "hello sir, how can i register my daughter in polish school, we came last week",
        "en",
        "social",
    ),
    (
        "I feel very lonely and anxious all the time since I came here, can I talk to someone",
        "en",
        "psychological",
    ),
    ("hi", "en", "other"),
    ("Дякую вам велике!", "uk", "other"),
    ("spasibo bolshoe", "ru", "other"),
    ("asdkjhaskd", None, "other"),
]


@pytest.mark.parametrize(("text", "language", "category"), MESSAGES)
def test_messages_in_every_language_and_style(
    engine: BuiltinEngine, text: str, language: str | None, category: str
) -> None:
    parse = engine.parse(text)
    assert parse.category == category, parse
    if language is not None:
        assert parse.language == language, parse
    assert parse.ranking[0].category == parse.category
    assert abs(sum(s.confidence for s in parse.ranking) - 1.0) < 1e-6
    assert parse.subcategory.startswith(parse.category + "_")


def test_health_care_with_stress_words_is_social_not_psychological(engine: BuiltinEngine) -> None:
    parse = engine.parse(
        "я дуже нервую, в дитини температура 39 і кашель, де знайти педіатра без страховки?"
    )
    assert (parse.category, parse.subcategory) == ("social", "social_health")


def test_housing_with_legal_words_is_social_not_legal(engine: BuiltinEngine) -> None:
    parse = engine.parse(
        "wlasciciel mieszkania chce nas wyrzucic przed koncem umowy najmu i nie oddaje kaucji"
    )
    assert (parse.category, parse.subcategory) == ("social", "social_housing")


def test_follow_up_messages_are_classified_with_the_first(engine: BuiltinEngine) -> None:
    alone = engine.parse("a co z dzieckiem?")
    together = engine.parse(
        "a co z dzieckiem?", context=["Dostałam decyzję o zobowiązaniu do powrotu, mam 14 dni"]
    )
    assert together.category == "legal"
    assert (
        together.confidence
        > alone.ranking[[s.category for s in alone.ranking].index("legal")].confidence
    )


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("👍🙏", "uk", "uk"),
        ("👍🙏", None, "unknown"),
        ("800+", "pl", "pl"),
        ("ok", "ru", "ru"),
        ("Привіт", None, "uk"),
        ("Привет", None, "ru"),
        ("стоматолог безкоштовно є?", None, "uk"),
    ],
)
def test_language_uses_letters_first_and_the_client_hint_when_the_text_says_little(
    engine: BuiltinEngine, text: str, hint: str | None, expected: str
) -> None:
    assert engine.parse(text, lang_hint=hint).language == expected


def test_the_hint_does_not_override_clear_text(engine: BuiltinEngine) -> None:
    assert engine.parse("Dzień dobry, szukam pracy w Poznaniu", lang_hint="uk").language == "pl"
    assert engine.parse("Мне нужна помощь с документами", lang_hint="en").language == "ru"


@pytest.mark.parametrize("text", ["", "   ", "😭😭😭", "?????", "1234", "x" * 10_000, "🙏" * 5000])
def test_odd_input_gets_a_valid_answer(engine: BuiltinEngine, text: str) -> None:
    parse = engine.parse(text)
    assert parse.category in {"legal", "psychological", "social", "other"}
    assert parse.to_json()["text"] == text


def test_a_long_story_is_understood_by_its_end(engine: BuiltinEngine) -> None:
    story = (
        "Ми приїхали з Харкова два роки тому. " * 150
    ) + "Тепер роботодавець не платить нам зарплату вже три місяці."
    parse = engine.parse(story)
    assert parse.category == "legal" and parse.subcategory == "legal_work"


def test_parsing_is_deterministic(engine: BuiltinEngine) -> None:
    text = "Potrzebuję pomocy, nie wiem co robić z dokumentami"
    assert engine.parse(text) == engine.parse(text)


def test_quality_on_the_dev_split(engine: BuiltinEngine) -> None:
    from nlu.evaluate import evaluate, read_labelled

    report = evaluate(engine, read_labelled(DEV))
    assert report["macro_f1"] >= 0.92, report
    assert all(row["macro_f1"] >= 0.90 for row in report["per_language"].values()), report
    assert report["urgent"]["recall"] >= 0.95, report["urgent"]
    assert report["urgent"]["precision"] >= 0.70, report["urgent"]
    assert report["language_accuracy"] >= 0.94, report


def test_no_dev_message_is_a_training_example() -> None:
    training = {e.text for e in read_training_data(NLU_DATA)}
    assert not [row for row in read_jsonl(URGENT_CASES) if row["text"] in training]
