"""Production settings: `manage.py check --deploy` is clean, and a missing variable stops start-up."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "partnership.settings",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
            "ALLOWED_HOSTS": "portal.example.org",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": os.environ["REDIS_URL"],
            "EMAIL_URL": "smtp://portal:hemmelig@smtp.example.org:587/?tls=True",
            "DEFAULT_FROM_EMAIL": "Partnerskap mot mobbing <portal@example.org>",
            "SITE_URL": "https://portal.example.org",
        }
    )
    env.pop("DEBUG", None)
    env.pop("TESTING", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests in this process
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def deploy_check() -> subprocess.CompletedProcess:
    return manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())


def test_check_deploy_is_clean_under_production_settings(deploy_check):
    output = deploy_check.stdout + deploy_check.stderr
    assert deploy_check.returncode == 0, output
    assert "WARNING" not in output and "?: (" not in output, output
    assert "System check identified no issues" in output, output


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_URL"])
def test_a_missing_production_variable_stops_start_up_naming_it(missing):
    result = manage("check", env=production_env(**{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"The environment variable {missing} is required" in result.stderr


def test_an_empty_production_variable_counts_as_missing():
    result = manage("check", env=production_env(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
