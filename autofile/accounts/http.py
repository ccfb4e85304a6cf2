"""The request as AutoFile's views see it, typed.

`CurrentOrganizationMiddleware` puts the current organization and membership on every
request and django-htmx its `htmx` details. A view behind `role_required` takes a
`MemberRequest`: signed in, with a membership of the role it asked for, so `organization`,
`membership` and `user` are never None there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from autofile.accounts.models import Membership, Organization, User


class AppRequest(HttpRequest):
    """Any request after the middleware (signed in or not)."""

    organization: Organization | None
    membership: Membership | None
    htmx: HtmxDetails


class MemberRequest(HttpRequest):
    """A request that passed `role_required`."""

    user: User  # narrowed from User | AnonymousUser
    organization: Organization
    membership: Membership
    htmx: HtmxDetails


class SignedInRequest(AppRequest):
    """A request that passed `login_required` (it may have no organization yet)."""

    user: User  # narrowed from User | AnonymousUser
