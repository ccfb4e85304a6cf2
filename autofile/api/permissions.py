"""Who may call the API: a token of an organization, or a signed-in member (the docs page).

Reads need a read token or any role; writes need a write token, or a QA reviewer or admin.
"""

from __future__ import annotations

from typing import Any, cast

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from autofile.accounts.http import AppRequest
from autofile.accounts.models import Organization, Role, User
from autofile.api.models import ApiToken

WRITER_ROLES = (Role.QA, Role.ADMIN)


class OrganizationAccess(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if isinstance(token, ApiToken):
            if request.method not in SAFE_METHODS and not token.can_write:
                raise exceptions.PermissionDenied("This token may only read (its scope is read).")
            return True
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        membership = getattr(request._request, "membership", None)
        if membership is None:
            raise exceptions.PermissionDenied("You are not a member of an organization.")
        if request.method not in SAFE_METHODS and membership.role not in WRITER_ROLES:
            raise exceptions.PermissionDenied("Your role in this organization does not allow this.")
        return True


def organization_of(request: Request) -> Organization:
    """The organization the request acts for (checked by OrganizationAccess first)."""
    if isinstance(request.auth, ApiToken):
        return request.auth.organization
    organization = cast(AppRequest, request._request).organization
    assert organization is not None  # OrganizationAccess refused requests without one
    return organization


def user_of(request: Request) -> User:
    return cast(User, request.user)
