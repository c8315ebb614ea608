"""The `razem` command run as an operator runs it: a real process, a clean environment.

Tests that call these helpers start a subprocess: tests/conftest.py marks them
`subprocess` by finding these names in the test's code or its fixtures' code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RAZEM = str(Path(sys.executable).parent / "razem")


def clean_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without our own RAZEM_* settings, plus ``env``:
    a developer's settings must never leak into a test."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RAZEM_")}
    clean["RAZEM_DATA_DIR"] = str(REPO / "data")
    return clean | (env or {})


def razem(
    *args: str, env: dict[str, str] | None = None, cwd: Path = REPO, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RAZEM, *args],
        input=input,
        capture_output=True,
        text=True,
        env=clean_env(env),
        cwd=cwd,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """The CLI's promise for errors: exit code 2 and one line a person can act on."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]
