"""Login protection: the client address django-axes counts failures by, and a log line per
lockout (support reads them to tell an attack from a forgotten password)."""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("autofile.security")


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind a proxy the first entry of the header
    named by TRUSTED_PROXY_HEADER (e.g. HTTP_X_FORWARDED_FOR)."""
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


@receiver(user_locked_out)
def _log_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **_: Any
) -> None:
    logger.warning(
        "login locked out: username=%r ip=%s path=%s after %s failures",
        username,
        ip_address,
        request.path,
        settings.AXES_FAILURE_LIMIT,
    )


def lockout_response(
    request: HttpRequest, original_response: Any, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The page a locked-out sign-in gets (429): what happened, for how long, who unlocks."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or request.POST.get(
        "username", ""
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": str(username)[:150],
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=429)
