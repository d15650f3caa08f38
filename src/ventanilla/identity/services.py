"""Writes about people and agencies' officials."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.core.errors import ValidationError
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, ApiToken, Membership, User
from ventanilla.registries.models import Person


def resident_link_person(*, user: User, person: Person, commit: bool = True) -> User:
    """Tie an account to its person in the population registry (one account per person).

    With ``commit=False`` the fields are only set, for an account about to be inserted:
    the unique national id then guards the INSERT itself.
    """
    user.national_id = person.national_id
    user.display_name = f"{person.given_name} {person.family_name}"
    if commit:
        user.save(update_fields=["national_id", "display_name"])
    return user


@transaction.atomic
def official_add(*, user: User, agency: Agency, role: Role) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return membership


TOKEN_PREFIX = "vnt_"  # noqa: S105 - marks our keys (as in secret scanners), not a secret


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API key for ``user``: the row, and the key itself (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise ValidationError(
            _("Give the key a name, such as the program that will use it."), field="name"
        )
    if len(name) > 100:
        raise ValidationError(_("The name must be 100 characters or fewer."), field="name")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=api_token_hash(key), prefix=key[:12]
    )
    return token, key


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
