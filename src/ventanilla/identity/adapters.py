from __future__ import annotations

import base64
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.urls import reverse

from ventanilla.identity.models import User
from ventanilla.identity.services import resident_link_person


def _fernet() -> Fernet:
    """A key derived from SECRET_KEY for this one purpose.

    Changing SECRET_KEY makes stored TOTP secrets unreadable: officials then set up their
    authenticator app again.
    """
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ventanilla.mfa.v1").derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


class MFAAdapter(DefaultMFAAdapter):
    """allauth stores TOTP secrets as given; ours are encrypted at rest."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Officials start their day in the back office; residents on their own page."""
        user = request.user
        if isinstance(user, User) and user.memberships.exists():
            return reverse("backoffice:home")
        return super().get_login_redirect_url(request)

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: Any, commit: bool = True
    ) -> AbstractBaseUser:
        """Residents' accounts are inserted already linked to their registry record."""
        user = super().save_user(request, user, form, commit=False)
        assert isinstance(user, User)  # noqa: S101 - AUTH_USER_MODEL
        person = getattr(form, "person", None)
        if person is not None:
            resident_link_person(user=user, person=person, commit=False)
        if commit:
            user.save()
        return user
