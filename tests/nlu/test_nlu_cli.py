"""`razem nlu`: the exact command-line contract other tools depend on."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_cli import RAZEM, assert_one_line_error, razem
from tests.conftest import REPO
from tests.nlu.conftest import TRAINING_TIMEOUT

PARSE_KEYS = {"text", "language", "category", "subcategory", "confidence", "ranking", "urgent",
              "urgent_signals", "faq", "city", "dates", "children"}  # fmt: skip


@pytest.fixture
def env(model_path: Path, tmp_path: Path) -> dict[str, str]:
    return {"RAZEM_NLU_MODEL_PATH": str(model_path), "RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "RAZEM_LOG_LEVEL": "ERROR"}  # fmt: skip


def test_parse_prints_one_json_object_with_the_contract_keys(env: dict[str, str]) -> None:
    result = razem(
        "nlu", "parse", "Pryvit, potribna dopomoha z kartoiu pobytu", "--lang-hint", "uk", env=env
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) == PARSE_KEYS
    assert body["language"] == "uk" and body["category"] == "legal"
    assert body["ranking"][0]["category"] == "legal"
    assert set(body["ranking"][0]) == {"category", "confidence"}


def test_parse_with_faq_from_the_database(env: dict[str, str]) -> None:
    env = env | {"RAZEM_FAQ_SHOW_DRAFTS": "true"}
    assert razem("db", "upgrade", env=env).returncode == 0
    assert razem("seed", env=env).returncode == 0
    body = json.loads(razem("nlu", "parse", "nie mam gdzie spać dziś w nocy", env=env).stdout)
    assert body["urgent"] is True and "homeless_tonight" in body["urgent_signals"]
    assert body["faq"]["id"] == "shelter-tonight" and 0 < body["faq"]["score"] <= 1


def test_batch_parse_streams_one_line_per_line_in_order(env: dict[str, str]) -> None:
    lines = ["hello", "", "мне нужен адвокат", "   ", "szukam pracy", "\udcff broken"]
    process = subprocess.Popen(
        [RAZEM, "nlu", "parse", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=_env(env), cwd=REPO,
    )  # fmt: skip
    assert process.stdin and process.stdout
    # Streaming: the first answer arrives before standard input is closed.
    process.stdin.write("hello\n")
    process.stdin.flush()
    first = json.loads(process.stdout.readline())
    assert first["text"] == "hello"
    process.stdin.write(
        "\n".join(lines[1:]).encode("utf-8", "surrogateescape").decode("utf-8", "replace") + "\n"
    )
    process.stdin.close()
    rest = [json.loads(line) for line in process.stdout.read().splitlines()]
    assert process.wait(timeout=60) == 0
    assert [first["text"], *(r["text"] for r in rest[:4])] == lines[:5]
    assert rest[0]["category"] == "other" and rest[2]["category"] == "other"
    assert len(rest) == len(lines) - 1


def _env(env: dict[str, str]) -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("RAZEM_")} | env


def test_evaluate_json_has_the_contract_shape(env: dict[str, str], tmp_path: Path) -> None:
    rows = [
        {
            "text": "потрібен адвокат, роботодавець не платить",
            "lang": "uk",
            "category": "legal",
            "urgent": False,
            "extra": 1,
        },
        {
            "text": "I want to kill myself",
            "lang": "en",
            "category": "psychological",
            "urgent": True,
        },
        {"text": "gdzie jest lekarz rodzinny", "lang": "pl", "category": "social", "urgent": False},
        {"text": "привет", "lang": "ru", "category": "other", "urgent": False},
    ]
    path = tmp_path / "holdout.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    result = razem("nlu", "evaluate", str(path), "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {
        "n",
        "macro_f1",
        "per_language",
        "per_category",
        "urgent",
        "language_accuracy",
        "confusion",
        "subcategory",
        "urgent_by_kind",
        "entities",
        "calibration",
    }
    assert report["subcategory"] is None and report["entities"] is None
    assert report["urgent_by_kind"]["recall_by_subcategory"] == {
        "psychological": {"n": 1, "flagged": 1, "recall": 1.0}
    }
    assert 0 <= report["calibration"]["ece"] <= 1 and len(report["calibration"]["bins"]) == 10
    assert report["n"] == 4 and set(report["per_language"]) == {"uk", "ru", "pl", "en"}
    assert set(report["per_language"]["uk"]) == {"n", "macro_f1"}
    assert set(report["per_category"]) == {"legal", "psychological", "social", "other"}
    assert set(report["per_category"]["legal"]) == {"precision", "recall", "f1"}
    assert set(report["urgent"]) == {"recall", "precision"}
    assert report["urgent"]["recall"] == 1.0
    text = razem("nlu", "evaluate", str(path), env=env).stdout
    assert "macro-F1" in text and "confusion" in text and "urgent: recall" in text
    assert "calibration: ECE" in text


def test_evaluate_reports_subcategories_and_entities(env: dict[str, str], tmp_path: Path) -> None:
    rows = [
        {"text": "шукаю кімнату у Вроцлаві, синові 8 років", "lang": "uk",
         "subcategory": "social_housing", "urgent": False,
         "city": {"city": "Wrocław", "town": "Wrocław"}, "children": [8], "dates": []},
        {"text": "decyzja przyszła 20 listopada, odwołanie do piątku", "lang": "pl",
         "now": "2026-12-01T12:00:00+01:00", "dates": ["2026-11-20", "2026-12-04"]},
    ]  # fmt: skip
    path = tmp_path / "entities.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    result = razem("nlu", "evaluate", str(path), "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["subcategory"]["n"] == 1
    assert report["entities"]["city"] == {
        "expected": 1,
        "found": 1,
        "precision": 1.0,
        "recall": 1.0,
    }
    assert report["entities"]["dates"]["recall"] == 1.0
    assert report["entities"]["children"]["recall"] == 1.0
    text = razem("nlu", "evaluate", str(path), env=env).stdout
    assert "subcategory accuracy" in text and "entity" in text


def test_parse_reads_entities_relative_to_now(env: dict[str, str]) -> None:
    result = razem(
        "nlu", "parse", "Живу у Вроцлаві з донькою 6 років, відповісти треба через 3 дні",
        "--now", "2026-12-01T10:00", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["city"] == {"city": "Wrocław", "town": "Wrocław", "text": "Вроцлаві"}
    assert body["dates"] == [{"date": "2026-12-04", "text": "через 3 дні"}]
    assert body["children"] == [{"age": 6, "text": "донькою 6 років"}]


def test_parse_refuses_a_bad_now(env: dict[str, str]) -> None:
    result = razem("nlu", "parse", "hello", "--now", "yesterday", env=env)
    assert result.returncode != 0 and "ISO 8601" in result.stderr


def test_evaluate_reads_rasa_yaml_too(env: dict[str, str]) -> None:
    result = razem("nlu", "evaluate", str(REPO / "nlu" / "data" / "en.yml"), "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["macro_f1"] > 0.9


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (
            '{"text": "a", "lang": "uk", "category": "legal", "urgent": false}\nnot json\n',
            ":2: not valid JSON",
        ),
        (
            '{"text": "a", "lang": "de", "category": "legal", "urgent": false}\n',
            ":1: unknown lang 'de'",
        ),
        (
            '{"text": "a", "lang": "uk", "category": "housing", "urgent": false}\n',
            ":1: unknown category 'housing'",
        ),
        (
            '{"text": "a", "lang": "uk", "category": "legal", "urgent": "yes"}\n',
            ":1: 'urgent' must be true or false",
        ),
        ("[1, 2]\n", ":1: expected a JSON object"),
    ],
)
def test_evaluate_refuses_a_bad_file_naming_the_line(
    env: dict[str, str], tmp_path: Path, content: str, needle: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert_one_line_error(razem("nlu", "evaluate", str(path), "--json", env=env), needle)


def test_a_missing_model_says_how_to_build_it(tmp_path: Path) -> None:
    env = {
        "RAZEM_NLU_MODEL_PATH": str(tmp_path / "none.pkl"),
        "RAZEM_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    assert_one_line_error(razem("nlu", "parse", "hello", env=env), "run razem nlu train")


@pytest.mark.timeout(TRAINING_TIMEOUT)
def test_training_reports_counts_and_dev_scores(tmp_path: Path, env: dict[str, str]) -> None:
    # Training time is measured by `make bench`-style runs, not asserted here: on a busy
    # 2-core machine the two fits take minutes.
    result = subprocess.run(
        [RAZEM, "nlu", "train"], capture_output=True, text=True, cwd=REPO,
        env=_env(env | {"RAZEM_NLU_MODEL_PATH": str(tmp_path / "m.pkl")}),
        timeout=TRAINING_TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "m.pkl").exists()
    assert "dev split dev.jsonl" in result.stdout and "macro-F1" in result.stdout
    for lang in ("uk", "ru", "pl", "en"):
        assert any(line.startswith(lang) for line in result.stdout.splitlines())


def test_bad_training_data_stops_training(tmp_path: Path) -> None:
    (tmp_path / "uk.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: nope\n  examples: |\n    - a\n', encoding="utf-8"
    )
    result = razem(
        "nlu",
        "train",
        "--data",
        str(tmp_path),
        env={"RAZEM_NLU_MODEL_PATH": str(tmp_path / "m.pkl")},
    )
    assert_one_line_error(result, "uk.yml:3: unknown intent 'nope'")
    assert not (tmp_path / "m.pkl").exists()
