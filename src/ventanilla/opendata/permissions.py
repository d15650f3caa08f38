"""Who may publish what in the open-data catalogue."""

from __future__ import annotations

from ventanilla.identity.models import Agency, Membership, User


def may_publish(*, user: User | None, organization: Agency) -> bool:
    """Officials of an agency (any role) publish its datasets; nobody else does."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, agency=organization).exists()
