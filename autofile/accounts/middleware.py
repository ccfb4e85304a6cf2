"""Puts the signed-in user's current organization and membership on the request.

The current organization is kept in the session; a user in several organizations
switches with the organization switcher. A user with no membership has none, and
every business view refuses them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse

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
