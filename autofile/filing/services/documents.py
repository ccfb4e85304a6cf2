"""Writing what a packet files: its documents' ZIP (and, in the worker, its filing PDF)."""

from __future__ import annotations

from autofile.filing.archive import write_zip, zip_stream

__all__ = ["write_zip", "zip_stream"]
