from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="review:queue", permanent=False)),
    path("accounts/", include("autofile.accounts.urls")),
    path("packets/", include("autofile.review.urls")),
    path("sync/", include("autofile.mirror.urls")),
    path("admin/", admin.site.urls),
]
