"""Re-encrypt every stored secret with the first FIELD_ENCRYPTION_KEY (see README)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from autofile.core.fields import encrypted_fields_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the first FIELD_ENCRYPTION_KEY, after which "
        "the keys in FIELD_ENCRYPTION_OLD_KEYS can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = encrypted_fields_rotate()
        self.stdout.write(f"Re-encrypted {count} value{'s' if count != 1 else ''}.")
