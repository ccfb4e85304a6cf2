from django.urls import path

from autofile.outreach import views

app_name = "outreach"

urlpatterns = [
    path("packets/<int:packet_id>/requests/new/", views.request_new, name="request_new"),
    path(
        "requests/<int:homeowner_request_id>/resend/",
        views.request_resend,
        name="request_resend",
    ),
    path(
        "requests/<int:homeowner_request_id>/cancel/",
        views.request_cancel,
        name="request_cancel",
    ),
    path("documents/<int:packet_document_id>/", views.document_file, name="document_file"),
    path("technicians/send/", views.technicians_send, name="technicians_send"),
    path("settings/", views.outreach_settings, name="settings"),
]
