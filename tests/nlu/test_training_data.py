"""nlu/ is a valid Rasa project and our reader refuses malformed data loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlu.errors import NluDataError
from nlu.labels import CATEGORIES, INTENT_CATEGORY, INTENTS, LANGUAGES
from nlu.training_data import read_rasa_file, read_training_data
from tests.conftest import REPO
from tests.nlu.conftest import DEV, NLU_DATA, read_jsonl


def test_the_rasa_domain_lists_exactly_our_intents() -> None:
    domain = yaml.safe_load((REPO / "nlu" / "domain.yml").read_text(encoding="utf-8"))
    assert domain["intents"] == list(INTENTS)
    assert set(INTENT_CATEGORY.values()) == set(CATEGORIES)
    config = yaml.safe_load((REPO / "nlu" / "config.yml").read_text(encoding="utf-8"))
    assert any(step["name"] == "DIETClassifier" for step in config["pipeline"])


def test_every_training_file_is_rasa_3_nlu() -> None:
    for path in sorted(NLU_DATA.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert str(document["version"]).startswith("3"), path
        for block in document["nlu"]:
            assert set(block) <= {"intent", "examples", "metadata"}, (path, block.get("intent"))
            assert all(line.startswith("- ") for line in block["examples"].splitlines() if line)


def test_there_is_plenty_of_data_in_every_language_and_category() -> None:
    examples = read_training_data(NLU_DATA)
    for lang in LANGUAGES:
        for category in CATEGORIES:
            count = sum(e.language == lang and e.category == category for e in examples)
            assert count >= (60 if category == "other" else 150), (lang, category, count)
        assert sum(e.language == lang and e.urgent for e in examples) >= 80


def test_the_dev_split_is_never_trained_on() -> None:
    training = {e.text.casefold().strip() for e in read_training_data(NLU_DATA)}
    overlap = [row["text"] for row in read_jsonl(DEV) if row["text"].casefold().strip() in training]
    # Only short stock phrases ("ok", "👍", "I need help") may coincide by chance.
    assert all(len(text.split()) <= 3 for text in overlap), overlap


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            'version: "3.1"\nnlu:\n- intent: legal_nonsense\n  examples: |\n    - a\n',
            r"x\.yml:3: unknown intent 'legal_nonsense'",
        ),
        (
            'version: "3.1"\nnlu:\n- intent: legal_work\n  examples: |\n    - fine\n    oops\n',
            r"x\.yml:6: example must start",
        ),
        (
            'version: "3.1"\nnlu:\n- intent: legal_work\n  examples: [\n',
            r"x\.yml:\d+: invalid YAML",
        ),
        ("nlu:\n- intent: legal_work\n", r"x\.yml:1: expected version"),
        (
            'version: "3.1"\nnlu:\n- intent: legal_work\n  metadata:\n    urgent: maybe\n  examples: |\n    - a\n',
            r"urgent must be true or false",
        ),
    ],
)
def test_malformed_training_data_names_the_line(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "uk_x.yml"
    path.write_text(content.replace("x.yml", "uk_x.yml"), encoding="utf-8")
    with pytest.raises(NluDataError, match=expected.replace("x\\.yml", "uk_x\\.yml")):
        read_rasa_file(path)


def test_urgent_metadata_marks_examples(tmp_path: Path) -> None:
    path = tmp_path / "pl.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: social_housing\n  metadata:\n    urgent: true\n'
        "  examples: |\n    - spimy na dworcu\n- intent: social_housing\n  examples: |\n"
        "    - szukam pokoju\n",
        encoding="utf-8",
    )
    examples = read_rasa_file(path)
    assert [(e.text, e.urgent, e.language) for e in examples] == [
        ("spimy na dworcu", True, "pl"),
        ("szukam pokoju", False, "pl"),
    ]
