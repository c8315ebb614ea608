"""docker-compose.yml, .env.example and the Settings agree with each other.

No Docker engine runs here, so the file is checked instead of run: by
`docker-compose config` (Debian's docker-compose, which .ci/run installs) and
by reading it.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from bot.cli import subcommand_names
from bot.settings import Settings, env_name
from tests.conftest import REPO
from tests.support.services import IN_CI

APP_SERVICES = ("migrate", "bot", "web")


def env_example_names() -> set[str]:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def settings_names() -> set[str]:
    return {env_name(field) for field in Settings.model_fields}


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    assert env_example_names() == settings_names()


def test_the_env_example_values_are_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    for name, value in re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE):
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.redis_url is None  # an empty value means "unset"
    assert settings.nlu_model_path is None


def test_compose_has_the_services_with_healthchecks_and_ordered_start() -> None:
    services = compose()["services"]
    assert {"bot", "web", "postgres", "redis", "migrate"} <= set(services)
    for name in ("postgres", "redis"):
        assert services[name]["image"]
        assert services[name]["healthcheck"]["test"]
    assert any(v.startswith("postgres-data:") for v in services["postgres"]["volumes"])
    for name in ("bot", "web"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["healthcheck"]["test"]
    assert (REPO / "Dockerfile").exists()


def test_the_optional_rasa_service_sits_behind_a_profile() -> None:
    rasa = compose()["services"]["rasa"]
    assert rasa["profiles"] == ["rasa"]
    assert rasa["image"].startswith("rasa/rasa:3.6")
    assert "./nlu:/app/nlu:ro" in rasa["volumes"]
    assert rasa["healthcheck"]["test"]


def test_compose_sets_only_variables_the_settings_know() -> None:
    known = settings_names()
    for name in APP_SERVICES:
        environment = compose()["services"][name]["environment"]
        assert set(environment) <= known, set(environment) - known
        assert environment["RAZEM_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert environment["RAZEM_REDIS_URL"].startswith("redis://")


def test_compose_commands_are_razem_subcommands() -> None:
    subcommands = subcommand_names()
    for name in APP_SERVICES:
        command = compose()["services"][name]["command"]
        words = command if isinstance(command, list) else command.split()
        text = " ".join(words)
        for used in re.findall(r"razem (\w+)", text):
            assert used in subcommands, f"{name}: razem {used}"


def test_the_bot_and_web_commands_exist() -> None:
    subcommands = subcommand_names()
    assert {"run", "web"} <= subcommands


def test_docker_compose_accepts_the_file() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        if IN_CI:
            pytest.fail("docker-compose is missing: .ci/run installs it", pytrace=False)
        pytest.skip("docker-compose is not installed")
    result = subprocess.run(
        [binary, "-f", str(REPO / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
