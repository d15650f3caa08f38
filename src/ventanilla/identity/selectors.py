from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ventanilla.core.errors import NotFoundError, PermissionDeniedError
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, Membership, User
from ventanilla.identity.permissions import official_may_act


def agency_list_for_official(*, user: User) -> QuerySet[Agency]:
    return Agency.objects.filter(memberships__user=user).distinct().order_by("slug")


def agency_get_for_official(*, user: User, slug: str, role: Role | None = None) -> Agency:
    """The agency ``user`` acts for; raises rather than return an agency they may not act for."""
    try:
        agency = Agency.objects.get(slug=slug)
    except Agency.DoesNotExist:
        raise NotFoundError(_("There is no agency '%(slug)s'.") % {"slug": slug}) from None
    if not official_may_act(user=user, agency=agency, role=role):
        raise PermissionDeniedError(
            _("You are not an official of %(agency)s.") % {"agency": agency.local_name}
        )
    return agency


def membership_list_for_agency(*, agency: Agency) -> QuerySet[Membership]:
    return agency.memberships.select_related("user").order_by("user__email", "role")
