"""Rotating the key that encrypts ServiceTitan client secrets."""

from __future__ import annotations

import io
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from autofile.core import fields
from autofile.mirror.models import Connection
from tests.factories import ConnectionFactory


@pytest.fixture
def keys(settings: Any) -> Any:
    def use(primary: list[str], old: list[str] | None = None) -> None:
        settings.FIELD_ENCRYPTION_KEYS = primary
        settings.FIELD_ENCRYPTION_OLD_KEYS = old or []
        fields.fernet.cache_clear()

    yield use
    fields.fernet.cache_clear()


def stored_secret(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM mirror_connection WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_a_rotation_moves_every_secret_from_the_derived_key_to_the_new_one(
    db: None, keys: Any
) -> None:
    keys([])  # an install that never set FIELD_ENCRYPTION_KEY
    conn = ConnectionFactory.create(client_secret="the-client-secret")
    derived = Fernet(fields.derived_key().encode())
    assert derived.decrypt(stored_secret(conn.pk).encode()) == b"the-client-secret"

    new = Fernet.generate_key().decode()
    keys([new], ["derived"])
    assert Connection.objects.get(pk=conn.pk).client_secret == "the-client-secret"
    out = io.StringIO()
    call_command("field_keys_rotate", stdout=out)
    assert "Re-encrypted 1 value." in out.getvalue()
    assert Fernet(new.encode()).decrypt(stored_secret(conn.pk).encode()) == b"the-client-secret"

    keys([new])  # the old key is gone: the secret still reads
    assert Connection.objects.get(pk=conn.pk).client_secret == "the-client-secret"


def test_a_secret_no_key_opens_stops_the_rotation(db: None, keys: Any) -> None:
    keys([Fernet.generate_key().decode()])
    conn = ConnectionFactory.create(client_secret="s")
    before = stored_secret(conn.pk)
    keys([Fernet.generate_key().decode()])
    with pytest.raises(ImproperlyConfigured, match="none of the configured keys"):
        fields.encrypted_fields_rotate()
    assert stored_secret(conn.pk) == before
