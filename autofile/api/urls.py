from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from autofile.api import views
from autofile.api.docs import api_docs
from autofile.api.problems import NotFoundView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    path("packets/", views.PacketListApi.as_view(), name="packet_list"),
    path("packets/<int:packet_id>/", views.PacketDetailApi.as_view(), name="packet_detail"),
    path("packets/<int:packet_id>/actions/", views.PacketActionApi.as_view(), name="packet_action"),
    path("packets/<int:packet_id>/claim/", views.PacketClaimApi.as_view(), name="packet_claim"),
    path("packets/<int:packet_id>/assign/", views.PacketAssignApi.as_view(), name="packet_assign"),
    path("programs/", views.ProgramListApi.as_view(), name="program_list"),
    path(
        "programs/<int:rebate_program_id>/",
        views.ProgramDetailApi.as_view(),
        name="program_detail",
    ),
    path("rules/", views.RuleListApi.as_view(), name="rule_list"),
    path("rules/<int:import_rule_id>/", views.RuleDetailApi.as_view(), name="rule_detail"),
    path("sync/", views.SyncListApi.as_view(), name="sync_list"),
    path("sync/<int:connection_id>/", views.SyncDetailApi.as_view(), name="sync_detail"),
    # anything else under /api/ is a 404 problem, not an HTML page
    re_path(r"^[\s\S]*$", NotFoundView.as_view()),  # [\s\S]: ids with line breaks too
]
