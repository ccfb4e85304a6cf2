"""OAuth 2.0 client-credentials tokens and the per-call credential checks.

* ``POST /connect/token`` takes ``grant_type=client_credentials`` with ``client_id`` and
  ``client_secret`` form-encoded, or the id/secret as HTTP Basic (some clients send both).
  Bad credentials → 400 ``{"error": "invalid_client"}`` (IdentityServer convention).
* API calls need ``Authorization: Bearer <token>`` (the bare token without ``Bearer`` is
  accepted too, as servicepytan sends it): missing, unknown or expired → 401.
* ``ST-App-Key`` missing or wrong → **401**, as Azure API Management (ServiceTitan's gateway)
  answers a missing/invalid subscription key; the body is an ``ApiErrorResponse``.
* The tenant in the path must be the credentials' tenant → 403 otherwise.

Tokens are JWT-shaped (HS256 over a per-seed key) and expire after ``token_ttl`` seconds of the
injected monotonic clock, so tests can expire them without sleeping.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

import orjson

from integrations.servicetitan.simulator.config import SimulatorConfig
from integrations.servicetitan.simulator.http import ApiError, Request, Response, json_response


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    client_id: str
    tenant: int
    expires_at: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


class Authenticator:
    def __init__(self, config: SimulatorConfig, clock: Callable[[], float], scope: str) -> None:
        self.config = config
        self._clock = clock
        self._scope = scope
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._key = hashlib.sha256(f"servicetitan-simulator:{config.seed}".encode()).digest()

    # --- token endpoint ---------------------------------------------------------------------

    def token_endpoint(self, request: Request) -> Response:
        form: dict[str, list[str]] = {}
        if request.body:
            try:
                form = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                form = {}
        values = {key: items[-1] for key, items in form.items() if items}
        basic_id, basic_secret = self._basic(request.headers.get("authorization", ""))
        client_id = values.get("client_id") or basic_id
        client_secret = values.get("client_secret") or basic_secret
        grant = values.get("grant_type")
        if grant != "client_credentials":
            return json_response(
                {
                    "error": "unsupported_grant_type" if grant else "invalid_request",
                    "error_description": "grant_type must be client_credentials",
                },
                400,
            )
        if client_id != self.config.client_id or client_secret != self.config.client_secret:
            return json_response({"error": "invalid_client"}, 400)
        token = self.issue(client_id)
        return json_response(
            {
                "access_token": token.value,
                "expires_in": self.config.token_ttl,
                "token_type": "Bearer",
                "scope": self._scope,
            },
            headers=[("Cache-Control", "no-store"), ("Pragma", "no-cache")],
        )

    @staticmethod
    def _basic(header: str) -> tuple[str | None, str | None]:
        if not header.lower().startswith("basic "):
            return None, None
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret

    def issue(self, client_id: str) -> Token:
        now_wall = int(time.time())
        payload = {
            "iss": "https://auth.servicetitan.io",
            "client_id": client_id,
            "tenant": str(self.config.tenant),
            "iat": now_wall,
            "exp": now_wall + self.config.token_ttl,
            "jti": next(self._counter),
        }
        header = _b64(orjson.dumps({"alg": "HS256", "typ": "JWT"}))
        body = _b64(orjson.dumps(payload))
        signature = _b64(hmac.new(self._key, f"{header}.{body}".encode(), hashlib.sha256).digest())
        value = f"{header}.{body}.{signature}"
        token = Token(value, client_id, self.config.tenant, self._clock() + self.config.token_ttl)
        with self._lock:
            self._tokens[value] = token
        return token

    # --- API checks -------------------------------------------------------------------------

    @staticmethod
    def bearer(request: Request) -> str | None:
        header = request.headers.get("authorization", "").strip()
        if not header:
            return None
        if header.lower().startswith("bearer "):
            return header[7:].strip() or None
        return header

    def authenticate(self, request: Request, tenant: str) -> Token:
        """The caller's token, or :class:`ApiError` 401/403 as ServiceTitan answers."""
        app_key = request.headers.get("st-app-key")
        if not app_key or app_key != self.config.app_key:
            raise ApiError(
                401,
                "Access denied due to missing or invalid ST-App-Key header.",
                {"ST-App-Key": ["A valid application key is required."]},
            )
        value = self.bearer(request)
        challenge = [("WWW-Authenticate", 'Bearer error="invalid_token"')]
        if value is None:
            raise ApiError(401, "Unauthorized", headers=[("WWW-Authenticate", "Bearer")])
        with self._lock:
            token = self._tokens.get(value)
        if token is None:
            raise ApiError(401, "Unauthorized: invalid token.", headers=challenge)
        if self._clock() >= token.expires_at:
            raise ApiError(401, "Unauthorized: the token has expired.", headers=challenge)
        if tenant != str(token.tenant):
            raise ApiError(
                403,
                f"Tenant {tenant} is not connected to this application's credentials.",
            )
        return token

    def revoke(self, value: str) -> None:
        with self._lock:
            self._tokens.pop(value, None)

    def expire_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    reset = expire_all
