from django.urls import path

from autofile.mirror import views_connection as views

app_name = "connection"

urlpatterns = [
    path("", views.connection_home, name="home"),
    path("new/", views.connection_create, name="create"),
    path("<int:connection_id>/", views.connection_detail, name="detail"),
    path("<int:connection_id>/test/", views.connection_check, name="test"),
    path("<int:connection_id>/tag/", views.connection_tag, name="tag"),
    path(
        "<int:connection_id>/utility-account/",
        views.connection_utility_account,
        name="utility_account",
    ),
]
