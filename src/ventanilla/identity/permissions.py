"""May this person act as an official of this agency?"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled

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
