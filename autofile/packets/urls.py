from django.urls import path

from autofile.packets import views

app_name = "packets"

urlpatterns = [
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:import_rule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:import_rule_id>/switch/", views.rule_switch, name="rule_switch"),
    path("rules/<int:import_rule_id>/status/", views.rule_status, name="rule_status"),
    path("rules/<int:import_rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/copy/", views.program_copy, name="program_copy"),
    path("programs/<int:rebate_program_id>/", views.program_edit, name="program_edit"),
    path("programs/<int:rebate_program_id>/delete/", views.program_delete, name="program_delete"),
]
