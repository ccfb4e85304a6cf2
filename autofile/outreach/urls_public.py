"""The homeowner's link: the only URLs reached without an account (one request each)."""

from django.urls import path

from autofile.outreach import public

app_name = "outreach_public"

urlpatterns = [path("<str:token>/", public.start, name="start")]
