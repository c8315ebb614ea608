"""The subcategory dev split, kept apart from training, and honest confidence."""

from __future__ import annotations

from nlu.builtin import BuiltinEngine
from nlu.evaluate import evaluate, read_labelled
from nlu.labels import INTENTS
from nlu.training_data import read_training_data
from tests.nlu.conftest import DEV, NLU_DATA, REPO, read_jsonl

SUBCATEGORY_DEV = REPO / "nlu" / "tests" / "subcategory_dev.jsonl"
# Single emoji and one-word greetings are the same message whoever writes them.
TOO_SHORT_TO_BE_SOMEONE_ELSES = 3


def test_the_subcategory_split_is_big_labelled_and_covers_every_subcategory() -> None:
    rows = read_jsonl(SUBCATEGORY_DEV)
    assert len(rows) >= 400
    for lang in ("uk", "ru", "pl", "en"):
        assert sum(row["lang"] == lang for row in rows) >= 95, lang
    assert {row["subcategory"] for row in rows} == set(INTENTS)
    assert all(row["category"] == row["subcategory"].split("_")[0] for row in rows)


def test_no_subcategory_dev_message_is_a_training_example() -> None:
    training = {e.text.casefold() for e in read_training_data(NLU_DATA)}
    shared = [
        row["text"]
        for row in read_jsonl(SUBCATEGORY_DEV)
        if row["text"].casefold() in training and len(row["text"]) > TOO_SHORT_TO_BE_SOMEONE_ELSES
    ]
    assert not shared


def test_subcategory_accuracy_on_its_own_split(engine: BuiltinEngine) -> None:
    report = evaluate(engine, read_labelled(SUBCATEGORY_DEV))
    assert report["subcategory"]["accuracy"] >= 0.85, report["subcategory"]
    assert report["urgent"]["recall"] == 1.0, report["urgent_by_kind"]


def test_confidence_is_calibrated_on_the_dev_split(engine: BuiltinEngine) -> None:
    calibration = evaluate(engine, read_labelled(DEV))["calibration"]
    assert calibration["ece"] <= 0.06, calibration
    # When the bot is sure enough to ask "Is that right?", it is right most of the time.
    assert calibration["thresholds"]["0.6"]["accuracy_above"] >= 0.95, calibration


def test_training_fits_a_temperature_on_a_held_out_fold(engine: BuiltinEngine) -> None:
    assert engine.model.info["calibration_examples"] > 500
    assert 0.5 <= engine.model.temperature <= 8.0
