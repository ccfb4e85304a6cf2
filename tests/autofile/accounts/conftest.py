from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import clear_url_caches


def _reload_urls() -> None:
    import autofile.urls

    importlib.reload(autofile.urls)
    clear_url_caches()


@pytest.fixture
def admin_site_on(settings: Any) -> Iterator[None]:
    """The Django admin switched on (ADMIN_ENABLED), as a support deployment has it."""
    settings.ADMIN_ENABLED = True
    _reload_urls()
    yield
    settings.ADMIN_ENABLED = False
    _reload_urls()
