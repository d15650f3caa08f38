from __future__ import annotations

from ventanilla.identity.models import User
from ventanilla.registries.models import Person


def person_get(*, national_id: str) -> Person | None:
    return Person.objects.filter(national_id=national_id).first()


def person_for_user(*, user: User) -> Person | None:
    """The registry's record of the signed-in resident; None for accounts with no national id."""
    if not user.national_id:
        return None
    return person_get(national_id=user.national_id)
