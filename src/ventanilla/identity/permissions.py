"""May this person act as an official of this agency?"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, User


def is_official(user: User) -> bool:
    return bool(user.is_authenticated and user.memberships.exists())


def official_has_mfa(user: User) -> bool:
    """Officials must protect their account with an authenticator app (TOTP)."""
    return bool(is_mfa_enabled(user, [Authenticator.Type.TOTP]))


def official_may_act(*, user: User, agency: Agency, role: Role | None = None) -> bool:
    """True only for an active member of ``agency`` (in ``role``, if given) who uses TOTP."""
    if not (user.is_authenticated and user.is_active):
        return False
    memberships = user.memberships.filter(agency=agency)
    if role is not None:
        memberships = memberships.filter(role=role)
    return memberships.exists() and official_has_mfa(user)


def official_is_central_office(*, user: User) -> bool:
    """True for an official of the central digital office (the agency
    ``VENTANILLA_CENTRAL_OFFICE`` names), in any role, who uses TOTP: they see the whole
    exchange. Nobody is, on a node without that agency."""
    office = Agency.objects.filter(slug=settings.VENTANILLA_CENTRAL_OFFICE).first()
    return office is not None and official_may_act(user=user, agency=office)
