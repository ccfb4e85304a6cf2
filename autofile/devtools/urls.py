from django.urls import path

from autofile.devtools import views

app_name = "devtools"

urlpatterns = [path("mailbox/", views.mailbox, name="mailbox")]
