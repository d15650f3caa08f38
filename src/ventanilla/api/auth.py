"""How API callers say who they are: a personal API key (``Authorization: Bearer vnt_...``)
or, for the portal's own pages, the signed-in session (with its CSRF token)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from ventanilla.identity.models import User
from ventanilla.identity.selectors import api_token_user


class ApiKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(key=token)
        if user is not None:
            request.user = user
        return user


signed_in = [ApiKey(), django_auth]
