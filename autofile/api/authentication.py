"""API token authentication: `Authorization: Bearer af_…`."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from autofile.api.models import ApiToken
from autofile.api.selectors import api_token_by_key
from autofile.api.services import api_token_touch


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A token acts for its organization, as the admin who created it (who must still be
    a member); its scope decides whether it may write."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give one token after “Bearer”.")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = api_token_by_key(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid or was revoked.")
        api_token_touch(token=token)
        return token.created_by, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
