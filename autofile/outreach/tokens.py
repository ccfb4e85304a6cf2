"""The homeowner's link: `<request id>-<secret>`, the secret an HMAC of the request's id and
a random nonce under SECRET_KEY. Only the secret's sha256 is stored; a forged, altered or
revoked (nonce rotated) link matches no request, and a link reaches its own request only."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.utils.crypto import salted_hmac

SALT = "autofile.outreach.homeowner-link"
TOKEN = re.compile(r"^(?P<pk>[1-9][0-9]{0,17})-(?P<secret>[0-9a-f]{64})$")


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_secret(request_id: int, nonce: str) -> str:
    return salted_hmac(SALT, f"{request_id}:{nonce}", algorithm="sha256").hexdigest()


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def link_token(request_id: int, nonce: str) -> str:
    return f"{request_id}-{link_secret(request_id, nonce)}"


def parse(token: str) -> tuple[int, str] | None:
    """(request id, secret hash) of a well-formed token, else None."""
    match = TOKEN.match(token or "")
    if match is None:
        return None
    return int(match["pk"]), secret_hash(match["secret"])


def hashes_match(stored: str, given: str) -> bool:
    return hmac.compare_digest(stored.encode(), given.encode())
