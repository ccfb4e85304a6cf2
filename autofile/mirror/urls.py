from django.urls import path

from autofile.mirror import views

app_name = "mirror"

urlpatterns = [
    path("", views.sync_overview, name="sync_overview"),
    path("<int:connection_id>/", views.sync_detail, name="sync_detail"),
    path("<int:connection_id>/start/", views.sync_start, name="sync_start"),
    path("<int:connection_id>/request/", views.sync_request, name="sync_request"),
    path("<int:connection_id>/quarantine/", views.quarantine, name="quarantine"),
]
