"""The lanes: `make test-fast` must leave out every test that needs PostgreSQL, Redis,
a browser or a `razem` process, and keep the pure and SQLite ones. Checked on one real
collection of a few modules that hold each kind, with the Makefile's own expression."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from tests.conftest import REPO

SAMPLES = [
    "tests/storage/test_migrations.py",  # postgres through a parameter of its own fixture
    "tests/state/test_contract.py",  # redis the same way
    "tests/services/test_routing.py",  # database_url; one test runs `razem route`
    "tests/cli/test_cli.py",  # razem in every test, services in two
    "tests/telegram/test_webhook.py",  # razem in a fixture of another conftest
    "tests/web/test_browser.py",  # Playwright on PostgreSQL
    "tests/flows/test_journeys.py",  # pure
]


def fast_lane() -> str:
    found = re.search(r"^FAST_LANE := (.+)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert found, "the Makefile names its fast lane FAST_LANE"
    return found.group(1).strip()


@cache
def collection() -> tuple[dict[str, set[str]], frozenset[str]]:
    """(the lanes of every sample test, the tests the fast lane selects)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    with tempfile.TemporaryDirectory() as directory:
        lanes_file = Path(directory) / "lanes.json"
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             "-m", fast_lane(), "--lanes-to", str(lanes_file), *SAMPLES],
            capture_output=True, text=True, cwd=REPO, env=env, timeout=240,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        lanes = {test: set(marks) for test, marks in json.loads(lanes_file.read_text()).items()}
    fast = frozenset(line for line in result.stdout.splitlines() if "::" in line)
    return lanes, fast


def with_lane(lane: str) -> set[str]:
    return {test for test, marks in collection()[0].items() if lane in marks}


def test_the_fast_lane_is_what_has_no_lane() -> None:
    lanes, fast = collection()
    assert fast == {test for test, marks in lanes.items() if not marks}
    assert any(test.startswith("tests/flows/") for test in fast)
    assert any("[sqlite" in test for test in fast) and any("[memory]" in test for test in fast)


def test_postgres_and_redis_parameters_and_fixtures_are_marked() -> None:
    tests = set(collection()[0])
    assert with_lane("postgres") == {t for t in tests if re.search(r"[\[-]postgres[\]-]", t)} | {
        t for t in tests if t.startswith("tests/web/")
        or "test_upgrade_seed_seed_on_postgres" in t or "test_check_reports_the_production_pair" in t
    }  # fmt: skip
    assert with_lane("redis") == {t for t in tests if "[redis]" in t} | {
        t for t in tests if "test_check_reports_the_production_pair" in t
    }


def test_browser_and_subprocess_tests_are_marked() -> None:
    tests = set(collection()[0])
    assert with_lane("browser") == {t for t in tests if t.startswith("tests/web/test_browser")}
    assert with_lane("subprocess") == {
        t
        for t in tests
        if t.startswith(("tests/cli/", "tests/telegram/")) or "test_razem_route" in t
    }
