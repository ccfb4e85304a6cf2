from django.urls import path

from autofile.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:packet_id>/", views.packet_detail, name="packet_detail"),
]
