"""The real PostgreSQL and Redis servers the tests talk to.

Tests that need them read RAZEM_TEST_POSTGRES_URL / RAZEM_TEST_REDIS_URL. When a
variable is unset or its server unreachable, those tests are skipped on a
developer's machine, and fail under CI=true: CI must never pass without them.
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(variable: str, reason: str | None = None) -> str:
    url = os.environ.get(variable)
    if url and reason is None:
        return url
    message = reason or f"{variable} is not set"
    if IN_CI:
        pytest.fail(f"CI=true but the service is missing: {message}", pytrace=False)
    pytest.skip(message)
