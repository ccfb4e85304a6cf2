from django.urls import path

from autofile.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("packets/<int:packet_id>/", views.packet_open, name="packet_open"),
]
