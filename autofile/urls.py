from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="review:queue", permanent=False)),
    path("accounts/", include("autofile.accounts.urls")),
    path("packets/", include("autofile.review.urls")),
    path("coordinators/", include("autofile.review.urls_coordinators")),
    path("sync/", include("autofile.mirror.urls")),
    path("settings/connection/", include("autofile.mirror.urls_connection")),
    path("settings/api-tokens/", include("autofile.api.urls_tokens")),
    path("settings/", include("autofile.packets.urls")),
    path("outreach/", include("autofile.outreach.urls")),
    path("filing/", include("autofile.filing.urls")),
    path("r/", include("autofile.outreach.urls_public")),
    path("notifications/", include("autofile.notifications.urls")),
    path("api/", include("autofile.api.urls")),
    path("dev/", include("autofile.devtools.urls")),
]
# Support's Django admin only where it is switched on (ADMIN_ENABLED, off by default).
if settings.ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))
