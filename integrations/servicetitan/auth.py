"""OAuth client-credentials tokens: cached, shared, refreshed early and exactly once.

ServiceTitan tokens live ~15 minutes and there is no refresh token, so every refresh is a new
client-credentials grant. Public clients got this wrong in three ways (CLIENTS.md §2): fetching
a token per call, stampeding the token endpoint when many callers notice expiry together, and
retrying after a long backoff with a token that expired meanwhile. Here:

- tokens live in a pluggable :class:`TokenStore` keyed by (auth URL, client id, tenant), so
  every client in a process — or, with the Redis store, every worker — shares one token;
- a token is refreshed ``refresh_margin`` (60 s) before it expires;
- refreshes are single-flight: threads queue on a per-key lock, processes on the store's lock,
  and whoever gets the lock second finds the fresh token and does not fetch again;
- the session asks the provider for the token right before *each* attempt, so a retry after a
  sleep always carries a valid token, and a 401 replaces the rejected token once.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Final, Protocol, runtime_checkable

__all__ = [
    "AccessToken",
    "InMemoryTokenStore",
    "TokenProvider",
    "TokenStore",
    "token_cache_key",
]


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A bearer token and its validity window (epoch seconds, shared across processes)."""

    value: str = field(repr=False)
    issued_at: float
    expires_at: float
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret

    @property
    def lifetime(self) -> float:
        return self.expires_at - self.issued_at

    def remaining(self, now: float) -> float:
        return self.expires_at - now

    def __repr__(self) -> str:
        return f"AccessToken(value='***', expires_at={self.expires_at:.0f})"


@runtime_checkable
class TokenStore(Protocol):
    """Where tokens are cached. Implementations must never log token values."""

    def load(self, key: str) -> AccessToken | None:
        """The cached token for ``key`` (expired ones may be returned; callers check)."""
        ...

    def save(self, key: str, token: AccessToken) -> None: ...

    def discard(self, key: str, token: AccessToken) -> None:
        """Forget ``token`` if it is still the cached one (a newer token is kept)."""
        ...

    def refresh_lock(self, key: str) -> AbstractContextManager[object]:
        """Held while refreshing ``key`` so other *processes* wait instead of fetching too."""
        ...


class InMemoryTokenStore:
    """Tokens in a dict: shared by the threads and clients of one process that use it."""

    def __init__(self) -> None:
        self._tokens: dict[str, AccessToken] = {}
        self._lock = threading.Lock()

    def load(self, key: str) -> AccessToken | None:
        with self._lock:
            return self._tokens.get(key)

    def save(self, key: str, token: AccessToken) -> None:
        with self._lock:
            self._tokens[key] = token

    def discard(self, key: str, token: AccessToken) -> None:
        with self._lock:
            if self._tokens.get(key) == token:
                del self._tokens[key]

    def refresh_lock(self, key: str) -> AbstractContextManager[object]:
        # Threads are already serialised by TokenProvider's per-key process lock.
        return nullcontext()

    def __repr__(self) -> str:
        return f"InMemoryTokenStore({len(self._tokens)} tokens)"


def token_cache_key(auth_url: str, client_id: str, tenant: int) -> str:
    """Stable store key for (auth URL, client id, tenant); hashed so keys reveal nothing."""
    digest = hashlib.sha256(f"{auth_url}\n{client_id}\n{tenant}".encode()).hexdigest()
    return f"servicetitan:token:{digest[:40]}"


_PROCESS_LOCKS: dict[str, threading.Lock] = {}
_PROCESS_LOCKS_GUARD: Final = threading.Lock()


def _process_lock(key: str) -> threading.Lock:
    with _PROCESS_LOCKS_GUARD:
        return _PROCESS_LOCKS.setdefault(key, threading.Lock())


class TokenProvider:
    """Hands out a valid token for one (auth URL, client id, tenant), refreshing as needed.

    ``fetch`` performs the actual client-credentials grant (the session supplies it, with its
    own retries and error mapping); ``clock`` is wall-clock time because expiries are shared
    with other processes through the store.
    """

    def __init__(
        self,
        *,
        store: TokenStore,
        key: str,
        fetch: Callable[[], AccessToken],
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.key = key
        self._fetch = fetch
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._lock = _process_lock(key)
        self.fetch_count = 0

    def _usable(self, token: AccessToken | None) -> bool:
        if token is None:
            return False
        # Refresh `refresh_margin` early, but a short-lived token keeps at least half its life.
        margin = min(self._refresh_margin, token.lifetime / 2)
        return token.remaining(self._clock()) > margin

    def current(self) -> AccessToken:
        """A token valid for at least the refresh margin (fetched only when needed)."""
        token = self.store.load(self.key)
        if self._usable(token):
            assert token is not None
            return token
        return self._refresh(rejected=None)

    def replace_rejected(self, rejected: AccessToken) -> AccessToken:
        """ServiceTitan answered 401 with ``rejected``: get a different, fresh token.

        When another caller already replaced it, that newer token is returned unfetched.
        """
        return self._refresh(rejected=rejected)

    def _refresh(self, rejected: AccessToken | None) -> AccessToken:
        with self._lock, self.store.refresh_lock(self.key):
            token = self.store.load(self.key)
            if self._usable(token) and (rejected is None or token != rejected):
                assert token is not None
                return token
            if rejected is not None:
                self.store.discard(self.key, rejected)
            token = self._fetch()
            self.fetch_count += 1
            self.store.save(self.key, token)
            return token
