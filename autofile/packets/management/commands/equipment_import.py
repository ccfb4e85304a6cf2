"""Import ENERGY STAR certified product lists (their CSV exports) into AutoFile.

    python manage.py equipment_import FILE [FILE ...] [--category ducted_heat_pump]
    python manage.py equipment_import --fixtures     # the lists AutoFile ships for the demo

The category comes from the file name (…Heat_Pumps…, …Furnaces…) unless --category names
it. Prints, per file, how many listings were created, updated and left unchanged, and each
row that could not be read (the rest of the file is imported). Exits with an error when
any row was refused, so a script notices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from autofile.packets.models import CertifiedProduct
from autofile.packets.services.certified import (
    FIXTURES,
    CertifiedImportError,
    ImportResult,
    certified_import_file,
)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument(
            "--category",
            default="",
            choices=["", *CertifiedProduct.Category.values],
            help="the product category of every file given (default: from each file's name)",
        )
        parser.add_argument(
            "--fixtures", action="store_true", help="import the lists AutoFile ships"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = list(options["files"])
        if options["fixtures"]:
            files += sorted(FIXTURES.glob("*.csv"))
        if not files:
            raise CommandError("Name a CSV file (or --fixtures).")
        refused = 0
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                result = certified_import_file(path=path, category=options["category"])
            except CertifiedImportError as error:
                raise CommandError(f"{path.name}: {error}") from None
            self._report(path, result)
            refused += len(result.errors)
        if refused:
            raise CommandError(f"{refused} row{'s' * (refused != 1)} could not be imported.")

    def _report(self, path: Path, result: ImportResult) -> None:
        label = CertifiedProduct.Category(result.category).label
        self.stdout.write(
            f"{path.name} ({label}): {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(result.errors)} refused"
        )
        for error in result.errors:
            self.stderr.write(f"  {path.name} {error}")
