"""Writes about people and agencies' officials."""

from __future__ import annotations

from django.db import transaction

from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, Membership, User
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
