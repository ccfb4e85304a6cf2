"""Keep credentials and tokens out of logs, reprs and exception messages.

Two layers: structural (known header names, form fields and JSON keys are masked wherever they
appear) and literal (every secret value the client knows about — client secret, app key,
issued access tokens — is replaced if it shows up anywhere else, e.g. echoed in an error body).
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Final

__all__ = ["MASK", "Redactor"]

MASK: Final = "[REDACTED]"

_SENSITIVE_HEADERS: Final = frozenset(
    {"authorization", "st-app-key", "proxy-authorization", "cookie", "set-cookie"}
)
_SENSITIVE_FIELDS: Final = (
    "access_token",
    "client_secret",
    "refresh_token",
    "id_token",
    "password",
    "secret",
)
_JSON_FIELD: Final = re.compile(
    r'("(?:' + "|".join(_SENSITIVE_FIELDS) + r')"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE
)
_FORM_FIELD: Final = re.compile(
    r"((?:^|[&?])(?:" + "|".join(_SENSITIVE_FIELDS) + r")=)[^&\s]*", re.IGNORECASE
)
_BEARER: Final = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


class Redactor:
    """Masks secrets in text and headers. Thread-safe; remembers the last few tokens issued."""

    def __init__(self, secrets: Iterable[str] = (), *, remember_tokens: int = 8) -> None:
        self._static = tuple(s for s in secrets if s and len(s) >= 4)
        self._tokens: deque[str] = deque(maxlen=remember_tokens)
        self._lock = threading.Lock()

    def add_token(self, token: str) -> None:
        with self._lock:
            if token and token not in self._tokens:
                self._tokens.append(token)

    def text(self, value: str) -> str:
        with self._lock:
            literals = (*self._static, *self._tokens)
        for literal in literals:
            if literal in value:
                value = value.replace(literal, MASK)
        value = _JSON_FIELD.sub(r'\1"' + MASK + '"', value)
        value = _FORM_FIELD.sub(r"\1" + MASK, value)
        return _BEARER.sub(r"\1" + MASK, value)

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: (MASK if name.lower() in _SENSITIVE_HEADERS else self.text(value))
            for name, value in headers.items()
        }
