from django.urls import path

from autofile.review import views_coordinators as views

app_name = "coordinators"

urlpatterns = [
    path("", views.coordinators, name="home"),
    path("jobs/<int:job_id>/tags/", views.job_tag, name="job_tag"),
]
