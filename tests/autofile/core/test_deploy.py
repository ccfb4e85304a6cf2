"""Production settings: `check --deploy` is clean with the documented values, and the web
server refuses placeholder keys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]
SECRET = "x7Gq2-pLr9_vN4sTzW8yB1cK6hJ0dF3mA5eR9uIoP2lQ7wE4tY6zXvC8bN1mK3jH"


def documented_production_env() -> dict[str, str]:
    """.env.example's values, with real secrets and this test run's database and Redis."""
    values: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    values.update(
        SECRET_KEY=SECRET,
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        STATIC_ROOT=str(ROOT / "staticfiles"),
        AUTOFILE_DATA_DIR=str(ROOT / "var"),
        MEDIA_ROOT=str(ROOT / "var" / "media"),
    )
    return {**{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}, **values}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_settings() -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], documented_production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_documented_settings_turn_https_on() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    env = {**documented_production_env(), "DJANGO_SETTINGS_MODULE": "autofile.settings"}
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
    ]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"SECRET_KEY": "change-me-in-production"}, "SECRET_KEY must be a random string"),
        ({"FIELD_ENCRYPTION_KEY": ""}, "FIELD_ENCRYPTION_KEY must be set"),
        ({"FIELD_ENCRYPTION_KEY": SECRET}, "FIELD_ENCRYPTION_KEY must differ"),
    ],
    ids=["placeholder-secret-key", "no-field-key", "field-key-is-secret-key"],
)
def test_the_web_server_refuses_to_start_with_insecure_keys(
    change: dict[str, str], says: str
) -> None:
    env = {**documented_production_env(), **change, "DJANGO_SETTINGS_MODULE": "autofile.settings"}
    result = run(["-c", "import autofile.wsgi"], env)
    assert result.returncode != 0
    assert says in result.stderr
    assert "Traceback" not in result.stderr

    check = run(["manage.py", "check", "--deploy"], env)
    assert check.returncode != 0
    assert "autofile.E001" in check.stderr + check.stdout


def test_the_web_server_starts_with_real_keys() -> None:
    env = {**documented_production_env(), "DJANGO_SETTINGS_MODULE": "autofile.settings"}
    result = run(["-c", "import autofile.wsgi; print('up')"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "up"


def test_a_celery_worker_refuses_to_start_with_a_placeholder_key() -> None:
    env = {**documented_production_env(), "SECRET_KEY": "change-me-in-production"}
    result = run(["-m", "celery", "-A", "autofile", "worker", "--pool", "solo"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be a random string" in result.stdout + result.stderr
