"""Puts the signed-in user's current organization and membership on the request.

The current organization is kept in the session; a user in several organizations
switches with the organization switcher. A user with no membership has none, and
every business view refuses them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from autofile.accounts.http import AppRequest
from autofile.accounts.selectors import membership_get, memberships_for_user

SESSION_KEY = "organization_id"


class CurrentOrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, http_request: HttpRequest) -> HttpResponse:
        request = cast(AppRequest, http_request)
        request.membership = None
        request.organization = None
        if request.user.is_authenticated:
            membership = None
            organization_id = request.session.get(SESSION_KEY)
            if organization_id is not None:
                membership = membership_get(user=request.user, organization_id=organization_id)
            if membership is None:
                membership = memberships_for_user(user=request.user).order_by("created_at").first()
                if membership is not None:
                    request.session[SESSION_KEY] = membership.organization_id
            if membership is not None:
                request.membership = membership
                request.organization = membership.organization
        return self.get_response(request)


LAST_SEEN_KEY = "last_seen"
#: A session's last-seen time is written at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 30


class SessionIdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_TIMEOUT seconds without a request (0: never).

    A plain request goes to the sign-in page (and back afterwards); an htmx request gets
    HX-Redirect so the whole page goes there rather than a fragment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = int(getattr(settings, "SESSION_IDLE_TIMEOUT", 0) or 0)
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > timeout:
                logout(request)
                messages.info(request, "You were signed out after a while without activity.")
                next_query = urlencode({"next": request.get_full_path()})
                target = f"{resolve_url(settings.LOGIN_URL)}?{next_query}"
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
            if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
