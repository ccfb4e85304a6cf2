from django.urls import path

from autofile.api import views_tokens

app_name = "api_tokens"

urlpatterns = [
    path("", views_tokens.api_tokens, name="list"),
    path("<int:api_token_id>/revoke/", views_tokens.api_token_revoke_view, name="revoke"),
]
