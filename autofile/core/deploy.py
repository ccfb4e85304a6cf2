"""What a production process refuses to start with.

Without DEBUG (production, by environment only) the web server (autofile/wsgi.py) and the
Celery worker and beat (autofile/celery.py) stop at once when SECRET_KEY is a placeholder or
short, or when FIELD_ENCRYPTION_KEY, which encrypts ServiceTitan client secrets, is unset
or the same as SECRET_KEY. `manage.py check --deploy` reports the same problems as errors.
Tests and management commands (migrations, collectstatic at image build) are not stopped.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

PLACEHOLDERS = ("change-me", "changeme", "insecure", "secret-key", "example")
MIN_SECRET_KEY_LENGTH = 50


def deployment_problems() -> list[str]:
    """Why this configuration must not serve production; empty when it may (or DEBUG is on)."""
    if settings.DEBUG:
        return []
    problems = []
    key = str(settings.SECRET_KEY)
    if (
        len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < 5
        or any(word in key.lower() for word in PLACEHOLDERS)
    ):
        problems.append(
            f"SECRET_KEY must be a random string of at least {MIN_SECRET_KEY_LENGTH} "
            'characters, not a placeholder (python -c "import secrets; '
            'print(secrets.token_urlsafe(50))")'
        )
    field_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not field_keys:
        problems.append(
            "FIELD_ENCRYPTION_KEY must be set: it encrypts ServiceTitan client secrets and is "
            'kept apart from SECRET_KEY (python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())")'
        )
    elif key in field_keys:
        problems.append("FIELD_ENCRYPTION_KEY must differ from SECRET_KEY")
    return problems


def refuse_insecure_start() -> None:
    """Stop the process (SystemExit, which Celery's signal dispatch does not swallow)."""
    problems = deployment_problems()
    if problems:
        raise SystemExit(
            "AutoFile refuses to start without DEBUG:\n" + "\n".join(f"- {p}" for p in problems)
        )


@checks.register(checks.Tags.security, deploy=True)
def check_deployment_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="autofile.E001") for problem in deployment_problems()]
