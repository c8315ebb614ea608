"""One model of this checkout's nlu/ for the whole test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.builtin import BuiltinEngine
from nlu.errors import ModelMissing
from nlu.model import TrainedModel, data_fingerprint
from nlu.training import train
from nlu.training_data import read_training_data
from tests.conftest import REPO

NLU_DATA = REPO / "nlu" / "data"
DEV = REPO / "nlu" / "tests" / "dev.jsonl"
URGENT_CASES = REPO / "nlu" / "tests" / "urgent_cases.jsonl"
BUILT_MODEL = REPO / "var" / "nlu-model.pkl"


# The first test that asks for the model trains it: two fits (a held-out fold for the
# calibration, then everything), a few minutes when the 2-core machine is busy.
TRAINING_TIMEOUT = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "model_path" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(TRAINING_TIMEOUT))


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model built from this checkout's nlu/ (data and code): the one `make install`
    built when its fingerprint matches, else trained here."""
    fingerprint = data_fingerprint(NLU_DATA)
    try:
        if TrainedModel.load(BUILT_MODEL).fingerprint == fingerprint:
            return BUILT_MODEL
    except ModelMissing:
        pass
    path = tmp_path_factory.mktemp("nlu") / "model.pkl"
    train(read_training_data(NLU_DATA), fingerprint).save(path)
    return path


@pytest.fixture(scope="session")
def engine(model_path: Path) -> BuiltinEngine:
    return BuiltinEngine(TrainedModel.load(model_path))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
