"""Connection settings and tuning for the ServiceTitan client.

A :class:`Connection` says *which* tenant to talk to and with which credentials; a
:class:`ClientOptions` says *how* (timeouts, retries, rate limit, page sizes, debug logging).
Both are frozen dataclasses so one instance can be shared by threads without surprises.

Secrets are wrapped in :class:`Secret`, whose ``repr``/``str`` never show the value: a connection
can be logged, printed in a traceback or shown in a debugger without leaking the client secret.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import httpx

from .ratelimit import RateLimit
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT",
    "ClientOptions",
    "Connection",
    "Environment",
    "Secret",
]


class Environment(StrEnum):
    """ServiceTitan's two public environments (client ids/secrets differ per environment)."""

    PRODUCTION = "production"
    INTEGRATION = "integration"


#: ``environment → (token endpoint, API base URL)`` (API.md §1).
HOSTS: Final[Mapping[Environment, tuple[str, str]]] = {
    Environment.PRODUCTION: (
        "https://auth.servicetitan.io/connect/token",
        "https://api.servicetitan.io",
    ),
    Environment.INTEGRATION: (
        "https://auth-integration.servicetitan.io/connect/token",
        "https://api-integration.servicetitan.io",
    ),
}

#: ServiceTitan's gateway gives up after ~100 s; waiting longer for a response is pointless.
DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=10.0, read=100.0, write=30.0, pool=30.0)


class Secret:
    """A string that refuses to be displayed: ``repr``/``str``/``format`` give ``'***'``.

    Call :meth:`reveal` at the single place the value is put on the wire.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, format_spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:  # pickle keeps working
        return (Secret, (self._value,))


def _as_secret(value: str | Secret) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


@dataclass(frozen=True, slots=True)
class Connection:
    """One ServiceTitan tenant plus the credentials AutoFile uses for it.

    Build it with :meth:`for_environment` (production/integration), :meth:`for_base_url` (the
    simulator: ``{base}/connect/token`` and ``{base}``) or :meth:`from_env`.
    """

    tenant: int
    app_key: Secret
    client_id: str
    client_secret: Secret = field(repr=False)
    auth_url: str
    api_base_url: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "tenant", int(self.tenant))
        object.__setattr__(self, "app_key", _as_secret(self.app_key))
        object.__setattr__(self, "client_secret", _as_secret(self.client_secret))
        object.__setattr__(self, "api_base_url", self.api_base_url.rstrip("/"))
        if not self.client_id or not self.client_secret or not self.app_key:
            raise ValueError("client_id, client_secret and app_key are all required")

    @classmethod
    def for_environment(
        cls,
        environment: Environment | str,
        *,
        tenant: int,
        app_key: str | Secret,
        client_id: str,
        client_secret: str | Secret,
    ) -> Connection:
        auth_url, api_base_url = HOSTS[Environment(environment)]
        return cls(
            tenant=tenant,
            app_key=_as_secret(app_key),
            client_id=client_id,
            client_secret=_as_secret(client_secret),
            auth_url=auth_url,
            api_base_url=api_base_url,
        )

    @classmethod
    def for_base_url(
        cls,
        base_url: str,
        *,
        tenant: int,
        app_key: str | Secret,
        client_id: str,
        client_secret: str | Secret,
        auth_url: str | None = None,
    ) -> Connection:
        """A ServiceTitan look-alike (the simulator) serving both auth and API at one base."""
        base = base_url.rstrip("/")
        return cls(
            tenant=tenant,
            app_key=_as_secret(app_key),
            client_id=client_id,
            client_secret=_as_secret(client_secret),
            auth_url=auth_url or f"{base}/connect/token",
            api_base_url=base,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Connection:
        """Read ``SERVICETITAN_*`` variables (see the CLI's help for the list).

        ``SERVICETITAN_BASE_URL`` (optionally with ``SERVICETITAN_AUTH_URL``) wins over
        ``SERVICETITAN_ENV`` (``production``, the default, or ``integration``).
        """
        env = os.environ if environ is None else environ

        def need(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise ValueError(f"environment variable {name} is not set")
            return value

        tenant = int(need("SERVICETITAN_TENANT"))
        app_key = Secret(need("SERVICETITAN_APP_KEY"))
        client_id = need("SERVICETITAN_CLIENT_ID")
        client_secret = Secret(need("SERVICETITAN_CLIENT_SECRET"))
        base_url = env.get("SERVICETITAN_BASE_URL", "").strip()
        if base_url:
            return cls.for_base_url(
                base_url,
                auth_url=env.get("SERVICETITAN_AUTH_URL", "").strip() or None,
                tenant=tenant,
                app_key=app_key,
                client_id=client_id,
                client_secret=client_secret,
            )
        return cls.for_environment(
            env.get("SERVICETITAN_ENV", "production").strip() or "production",
            tenant=tenant,
            app_key=app_key,
            client_id=client_id,
            client_secret=client_secret,
        )


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """How the client behaves; every default suits production, tests shrink the waits.

    ``rate_limit`` is enforced per (app key, tenant) by the client's limiter. Its ``period``
    carries a small guard above one second so network jitter cannot push the server-side count
    over ServiceTitan's 60 requests in any one-second window.
    """

    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    token_timeout: float = 15.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limit: RateLimit = field(default_factory=RateLimit)
    #: Refresh a token this long before it expires (halved for very short-lived tokens).
    token_refresh_margin: float = 60.0
    #: Page size used when walking every page of a list.
    list_all_page_size: int = 5000
    #: Log request/response bodies (redacted) for every call of this client.
    debug: bool = False
    #: Characters of each body kept in debug logs.
    debug_body_limit: int = 4000
    max_connections: int = 20
    user_agent: str = "autofile-servicetitan/1"

    def replace(self, **changes: object) -> ClientOptions:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
