"""The one place Django meets the ServiceTitan client: build one from a Connection.

Workers share tokens and the (app key, tenant) request budget through Redis, so however
many processes sync, ServiceTitan sees one well-behaved client. Tokens are stored
encrypted with the same keys as the secrets in the database. Without Redis (the demo
fallback) each process keeps its own token and limiter.
"""

from __future__ import annotations

from functools import cache

import httpx
import redis
from django.conf import settings

from autofile.core.fields import fernet
from autofile.mirror.models import Connection
from integrations.servicetitan import (
    ClientOptions,
    Environment,
    InMemoryRateLimiter,
    InMemoryTokenStore,
    RateLimit,
    RateLimiter,
    ServiceTitanClient,
    TokenStore,
)
from integrations.servicetitan import Connection as ClientConnection
from integrations.servicetitan.redis_backends import RedisRateLimiter, RedisTokenStore


def credentials(connection: Connection) -> ClientConnection:
    common = {
        "tenant": connection.tenant_id,
        "app_key": connection.app_key,
        "client_id": connection.client_id,
        "client_secret": connection.client_secret,
    }
    if connection.environment == Connection.Environment.CUSTOM:
        return ClientConnection.for_base_url(
            connection.base_url, auth_url=connection.auth_url or None, **common
        )
    return ClientConnection.for_environment(Environment(connection.environment), **common)


@cache
def _redis() -> redis.Redis | None:
    return redis.Redis.from_url(settings.REDIS_URL) if settings.REDIS_URL else None


@cache
def _local_backends() -> tuple[TokenStore, RateLimiter]:
    return InMemoryTokenStore(), InMemoryRateLimiter(rate_limit())


def rate_limit() -> RateLimit:
    return RateLimit(limit=settings.SERVICETITAN_RATE_LIMIT)


def shared_rate_limiter() -> RateLimiter:
    """The (app key, tenant) request budget every client of this deployment draws on."""
    shared = _redis()
    return RedisRateLimiter(shared, rate_limit()) if shared is not None else _local_backends()[1]


def client_for(
    connection: Connection, *, transport: httpx.BaseTransport | None = None
) -> ServiceTitanClient:
    """A client for the connection's tenant; close it (or use it as a context manager)."""
    shared = _redis()
    token_store = (
        RedisTokenStore(shared, cipher=fernet()) if shared is not None else _local_backends()[0]
    )
    return ServiceTitanClient(
        credentials(connection),
        ClientOptions(rate_limit=rate_limit()),
        transport=transport,
        token_store=token_store,
        rate_limiter=shared_rate_limiter(),
    )
