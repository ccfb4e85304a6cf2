"""Redis-backed token store and rate limiter, shared by every worker process.

With several Celery workers per tenant, in-memory state is wrong twice over: each process would
fetch its own token (and stampede the token endpoint at expiry), and each would spend the full
60 requests/second (so N workers send N x 60). Both backends take a ``redis.Redis`` instance and
keep their keys under a prefix.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Final, Protocol

import orjson
import redis
from redis.exceptions import LockError

from .auth import AccessToken
from .ratelimit import RateLimit

__all__ = ["RedisRateLimiter", "RedisTokenStore", "TokenCipher"]

_log: Final = logging.getLogger("integrations.servicetitan")


class TokenCipher(Protocol):
    """Optional encryption at rest; ``cryptography.fernet.Fernet`` fits as is."""

    def encrypt(self, data: bytes) -> bytes: ...

    def decrypt(self, token: bytes) -> bytes: ...


class RedisTokenStore:
    """Tokens in Redis (optionally encrypted), expiring with the token itself.

    ``refresh_lock`` is a Redis lock, so when the token nears expiry exactly one process
    fetches a new one while the others wait and then read it. Token values are never logged.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "autofile:",
        cipher: TokenCipher | None = None,
        lock_timeout: float = 30.0,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._cipher = cipher
        self._lock_timeout = lock_timeout

    def _key(self, key: str) -> str:
        return self._prefix + key

    def load(self, key: str) -> AccessToken | None:
        raw = self._redis.get(self._key(key))
        if raw is None:
            return None
        try:
            data = raw if isinstance(raw, bytes) else str(raw).encode()
            if self._cipher is not None:
                data = self._cipher.decrypt(data)
            payload: dict[str, Any] = orjson.loads(data)
            return AccessToken(
                value=str(payload["v"]),
                issued_at=float(payload["i"]),
                expires_at=float(payload["e"]),
                token_type=str(payload.get("t", "Bearer")),
            )
        except Exception:  # corrupt entry or a rotated cipher key: fetch a new token
            _log.warning("discarding an unreadable cached ServiceTitan token (key %s)", key)
            return None

    def save(self, key: str, token: AccessToken) -> None:
        data = orjson.dumps(
            {"v": token.value, "i": token.issued_at, "e": token.expires_at, "t": token.token_type}
        )
        if self._cipher is not None:
            data = self._cipher.encrypt(data)
        ttl_ms = max(1, int((token.expires_at - time.time()) * 1000))
        self._redis.set(self._key(key), data, px=ttl_ms)

    def discard(self, key: str, token: AccessToken) -> None:
        current = self.load(key)
        if current is not None and current.value == token.value:
            self._redis.delete(self._key(key))

    def refresh_lock(self, key: str) -> AbstractContextManager[object]:
        return self._locked(key)

    @contextlib.contextmanager
    def _locked(self, key: str) -> Iterator[object]:
        lock = self._redis.lock(
            self._key(key) + ":refresh",
            timeout=self._lock_timeout,
            blocking_timeout=self._lock_timeout,
            thread_local=False,
        )
        acquired = lock.acquire()
        if not acquired:  # a stuck holder: fetching without the lock beats failing the call
            _log.warning("timed out waiting for the token refresh lock (key %s)", key)
        try:
            yield lock
        finally:
            if acquired:
                with contextlib.suppress(LockError):
                    lock.release()

    def __repr__(self) -> str:
        return f"RedisTokenStore(prefix={self._prefix!r}, encrypted={self._cipher is not None})"


# Sliding-window log in a sorted set, scored by Redis' own clock (one clock for all hosts).
# KEYS[1] = window zset, KEYS[2] = block key; ARGV = limit, period_us, member.
# Returns 0 when a slot was taken, else microseconds to wait.
_ACQUIRE: Final = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local blocked = redis.call('PTTL', KEYS[2])
if blocked and blocked > 0 then
  return blocked * 1000
end
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(period / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + period - now
if wait < 100 then wait = 100 end
return wait
"""


class RedisRateLimiter:
    """The (app key, tenant) request budget shared by every process using the same Redis."""

    def __init__(
        self, client: redis.Redis, rate: RateLimit | None = None, *, prefix: str = "autofile:"
    ) -> None:
        self.rate = rate or RateLimit()
        self._redis = client
        self._prefix = prefix
        self._script = client.register_script(_ACQUIRE)

    def try_acquire(self, key: str) -> float:
        member = uuid.uuid4().hex
        waited_us = self._script(
            keys=[self._prefix + key, self._prefix + key + ":blocked"],
            args=[self.rate.limit, int(self.rate.period * 1_000_000), member],
        )
        return int(waited_us) / 1_000_000

    def block(self, key: str, seconds: float) -> None:
        if seconds <= 0:
            return
        blocked_key = self._prefix + key + ":blocked"
        ttl_ms = max(1, int(seconds * 1000))
        current = self._redis.pttl(blocked_key)
        if not isinstance(current, int) or current < ttl_ms:
            self._redis.set(blocked_key, b"1", px=ttl_ms)

    def __repr__(self) -> str:
        return f"RedisRateLimiter({self.rate.limit}/{self.rate.period}s, prefix={self._prefix!r})"
