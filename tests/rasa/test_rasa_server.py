"""Opt-in (`make test-rasa`): our Rasa adapter against a real Rasa 3.6 server
trained on nlu/ (benchmarks/rasa_side_by_side.py trains it first)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nlu.builtin import BuiltinEngine
from nlu.rasa_http import RasaEngine
from tests.conftest import REPO

pytestmark = pytest.mark.rasa
PORT = 5056


@pytest.fixture(scope="module")
def rasa_server() -> Iterator[str]:
    binary = os.environ.get("RAZEM_RASA_BINARY", str(REPO / ".venv-rasa/bin/rasa"))
    models = sorted((REPO / "var" / "rasa").glob("razem-*.tar.gz"))
    if not Path(binary).exists() or not models:
        pytest.fail(
            "run `make test-rasa`: it installs Rasa and trains a model first", pytrace=False
        )
    server = subprocess.Popen([binary, "run", "--enable-api", "-m", str(models[-1]), "--port", str(PORT)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{PORT}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/status", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(1)
    yield url
    server.terminate()
    server.wait(timeout=60)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("потрібен адвокат, роботодавець не платить зарплату", "legal"),
        ("szukam lekarza rodzinnego dla dziecka", "social"),
        ("I can't sleep, nightmares every night since the war", "psychological"),
    ],
)
def test_real_rasa_categories_through_the_adapter(
    rasa_server: str, engine: BuiltinEngine, text: str, category: str
) -> None:
    parse = RasaEngine(rasa_server, engine, timeout=30).parse(text)
    assert parse.category == category
    assert parse.subcategory.startswith(category)


def test_real_rasa_keeps_builtin_urgency(rasa_server: str, engine: BuiltinEngine) -> None:
    parse = RasaEngine(rasa_server, engine, timeout=30).parse("не хочу жити, вибачте")
    assert parse.urgent
