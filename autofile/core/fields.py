"""A text field whose value is encrypted at rest with Fernet (AES-128-CBC + HMAC).

Keys come from settings.FIELD_ENCRYPTION_KEYS (the first encrypts, every one decrypts) and
settings.FIELD_ENCRYPTION_OLD_KEYS (decrypt only, for rotation; "derived" names the key
derived from SECRET_KEY). Without FIELD_ENCRYPTION_KEYS the derived key encrypts, which
autofile/core/deploy.py refuses in production. The plaintext never reaches the database,
and the field's deconstruction carries no key material.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction

DERIVED = "derived"


def derived_key() -> str:
    """The key AutoFile derives from SECRET_KEY when no FIELD_ENCRYPTION_KEY is set."""
    digest = hashlib.sha256(f"autofile-fields:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def configured_keys() -> list[str]:
    """Every key, the encrypting one first."""
    keys = list(settings.FIELD_ENCRYPTION_KEYS) or [derived_key()]
    for old in getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", []):
        key = derived_key() if old == DERIVED else old
        if key not in keys:
            keys.append(key)
    return keys


@cache
def fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in configured_keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY or FIELD_ENCRYPTION_OLD_KEYS holds an invalid Fernet key"
        ) from exc


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with the configured FIELD_ENCRYPTION_KEY"
        ) from exc


class EncryptedTextField(models.TextField):
    """Stores ciphertext; Python code only ever sees the plaintext."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields_rotate() -> int:
    """Re-encrypt every encrypted value with the first key; returns how many were rewritten.

    Works on the ciphertext as stored, in one transaction: a value no configured key opens
    stops the rotation before anything is written."""
    rewritten = 0
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in apps.get_models():
            table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
            for field in model._meta.concrete_fields:
                if not isinstance(field, EncryptedTextField):
                    continue
                column = qn(field.column)
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} "  # noqa: S608 (quoted names)
                    f"WHERE {column} IS NOT NULL AND {column} <> '' FOR UPDATE"
                )
                for row_id, stored in cursor.fetchall():
                    try:
                        fresh = fernet().rotate(stored.encode()).decode()
                    except InvalidToken as exc:
                        raise ImproperlyConfigured(
                            f"{model._meta.label}.{field.name} of row {row_id} opens with "
                            "none of the configured keys"
                        ) from exc
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                        [fresh, row_id],
                    )
                    rewritten += 1
    return rewritten
