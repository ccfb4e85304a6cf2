from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from autofile.accounts.selectors import memberships_for_user


def tenancy(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_membership": getattr(request, "membership", None),
        "current_organization": getattr(request, "organization", None),
        # Lazily evaluated: only pages that show the switcher pay for the query.
        "user_memberships": memberships_for_user(user=user),
    }
