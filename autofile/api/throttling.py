"""A request budget per token (or signed-in user): API_RATE_LIMIT, e.g. "600/min"."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from autofile.api.models import ApiToken


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"
    num_requests: int | None
    duration: int | None

    def get_rate(self) -> str | None:
        return str(settings.API_RATE_LIMIT) or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return f"throttle_{self.scope}_{ident}"

    def wait(self) -> float | None:
        """Seconds until one more request fits (DRF's answer spreads the budget instead,
        and gives none once the history overflows it)."""
        if not self.history or self.num_requests is None or self.duration is None:
            return None
        index = min(self.num_requests, len(self.history)) - 1
        return max(1.0, self.history[index] + self.duration - self.now)
