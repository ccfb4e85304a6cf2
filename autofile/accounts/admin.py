"""Support's Django admin (only with ADMIN_ENABLED): staff see the organizations they are
members of and what belongs to them; superusers see everything. Higher apps register their
models with `OrganizationScopedAdmin`, which filters on the `organization` column."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from autofile.accounts.models import Invitation, Membership, Organization, User


def supported_organization_ids(request: HttpRequest) -> list[int] | None:
    """The organizations a staff user supports; None for a superuser (all of them)."""
    user = request.user
    if user.is_superuser:
        return None
    return list(
        Membership.objects.filter(user_id=int(user.pk or 0)).values_list(
            "organization_id", flat=True
        )
    )


class OrganizationScopedAdmin(admin.ModelAdmin):
    """Rows whose `organization_lookup` is one of the staff user's organizations."""

    organization_lookup = "organization_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        ids = supported_organization_ids(request)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.organization_lookup}__in": ids}).distinct()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = supported_organization_ids(request)
        if ids is not None and db_field.related_model is Organization:
            kwargs["queryset"] = Organization.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        queryset = super().get_queryset(request)
        ids = supported_organization_ids(request)
        return queryset if ids is None else queryset.filter(organization_id__in=ids)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = supported_organization_ids(request)
        if ids is not None and db_field.related_model is Organization:
            kwargs["queryset"] = Organization.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class AutoFileUserAdmin(UserAdmin, OrganizationScopedAdmin):
    inlines = [MembershipInline]
    organization_lookup = "memberships__organization_id"


@admin.register(Organization)
class OrganizationAdmin(OrganizationScopedAdmin):
    search_fields = ["name"]
    organization_lookup = "id"


@admin.register(Membership)
class MembershipAdmin(OrganizationScopedAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]


@admin.register(Invitation)
class InvitationAdmin(OrganizationScopedAdmin):
    list_display = ["email", "organization", "role", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]


# --- login lockouts (django-axes): support unlocks by deleting the attempt --------------


def _scoped_to_supported_usernames(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    class Scoped(base):  # type: ignore[valid-type,misc]
        """Staff see the sign-in records of their organizations' users only (records of an
        address without a known username: superusers)."""

        def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
            queryset = super().get_queryset(request)
            ids = supported_organization_ids(request)
            if ids is None:
                return queryset
            usernames = User.objects.filter(memberships__organization_id__in=ids).values("username")
            return queryset.filter(username__in=usernames)

    Scoped.__name__ = base.__name__
    return Scoped


def _register_lockout_admins() -> None:
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model, model_admin in (
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, _scoped_to_supported_usernames(model_admin))


_register_lockout_admins()
