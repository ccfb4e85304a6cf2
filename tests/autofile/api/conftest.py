from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from autofile.accounts.models import Organization, User
from autofile.api.models import ApiToken
from autofile.api.services import api_token_create


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    """Request budgets live in the (Redis) cache: each test starts with a full one."""
    cache.clear()


@pytest.fixture
def api_key(organization: Organization, admin_user: User) -> Callable[..., str]:
    """Issue a token of the organization (write scope by default) and give its key."""

    def issue(
        scope: str = ApiToken.Scope.WRITE, org: Organization | None = None, by: User | None = None
    ) -> str:
        return api_token_create(
            organization=org or organization, name="Robot", scope=scope, created_by=by or admin_user
        ).key

    return issue


@pytest.fixture
def api(api_key: Callable[..., str]) -> Client:
    """A client that sends a write token of the organization."""
    return Client(headers={"Authorization": f"Bearer {api_key()}"})
