"""AutoFile's ServiceTitan client (plain Python: no Django, Celery or AutoFile imports).

Public API::

    from integrations.servicetitan import Connection, ClientOptions, ServiceTitanClient

    client = ServiceTitanClient(
        Connection.for_environment("production", tenant=123, app_key=..., client_id=...,
                                   client_secret=...),
        ClientOptions(debug=False),
        token_store=RedisTokenStore(redis),        # optional: share tokens across workers
        rate_limiter=RedisRateLimiter(redis),      # optional: share the 60 req/s budget
    )

See ``client.py`` for the resource list, ``paging.py`` for export continuation, ``errors.py``
for the error hierarchy, ``session.py`` for retry and write-safety rules.
"""

from .auth import AccessToken, InMemoryTokenStore, TokenStore
from .client import ServiceTitanClient
from .config import ClientOptions, Connection, Environment, Secret
from .endpoints import ENDPOINTS, Endpoint
from .errors import (
    AuthError,
    ConflictError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    ServiceTitanError,
    TransientError,
    WriteOutcomeUnknownError,
)
from .paging import ExportIterator, ExportPage, Page
from .ratelimit import InMemoryRateLimiter, RateLimit, RateLimiter, UnlimitedRateLimiter
from .resources.base import ExportFeed
from .retry import RetryPolicy

__all__ = [
    "ENDPOINTS",
    "AccessToken",
    "AuthError",
    "ClientOptions",
    "ConflictError",
    "Connection",
    "Endpoint",
    "Environment",
    "ExportFeed",
    "ExportIterator",
    "ExportPage",
    "InMemoryRateLimiter",
    "InMemoryTokenStore",
    "NotFoundError",
    "Page",
    "PermanentError",
    "RateLimit",
    "RateLimitedError",
    "RateLimiter",
    "RetryPolicy",
    "Secret",
    "ServiceTitanClient",
    "ServiceTitanError",
    "TokenStore",
    "TransientError",
    "UnlimitedRateLimiter",
    "WriteOutcomeUnknownError",
]
