"""Production settings pass Django's deployment checks; required environment is enforced."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest; production never has it
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_check_deploy():
    result = run_check(
        {
            "SECRET_KEY": "k" * 20 + "9Xq!" + "z" * 40,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
            "ALLOWED_HOSTS": "govpm.qz.gov.cn",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_or_on_sqlite():
    no_secret = run_check({"SECRET_KEY": "", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"})
    assert no_secret.returncode != 0 and "SECRET_KEY" in no_secret.stderr
    sqlite = run_check({"SECRET_KEY": "s" * 60, "DATABASE_URL": ""})
    assert sqlite.returncode != 0 and "PostgreSQL" in sqlite.stderr


def test_the_suite_runs_on_the_test_settings(settings):
    """An exported DJANGO_SETTINGS_MODULE outranks pytest.ini: make test pins --ds so CI never tests local settings."""
    assert settings.SETTINGS_MODULE == "config.settings.test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
