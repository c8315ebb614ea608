"""Paths and readers of the NLU's data. The model fixtures (`model_path`, `engine`)
are in tests/conftest.py; imported here for the modules that import them from here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, engine, model_path  # noqa: F401 - see the docstring

NLU_DATA = REPO / "nlu" / "data"
DEV = REPO / "nlu" / "tests" / "dev.jsonl"
URGENT_CASES = REPO / "nlu" / "tests" / "urgent_cases.jsonl"

# The first test that asks for the model may train it: two fits (a held-out fold for
# the calibration, then everything), a few minutes when the 2-core machine is busy.
TRAINING_TIMEOUT = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "model_path" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(TRAINING_TIMEOUT))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
