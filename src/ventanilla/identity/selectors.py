from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.core.errors import NotFoundError, PermissionDeniedError
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, ApiToken, Membership, User
from ventanilla.identity.permissions import official_may_act
from ventanilla.identity.services import TOKEN_PREFIX, api_token_hash


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


def api_token_user(*, key: str) -> User | None:
    """The active user whose unrevoked API key this is; None otherwise.

    Looked up by the key's SHA-256 (an index lookup, so no timing difference between a
    near miss and a far one). Marks when the key was last used, at most once a minute.
    """
    if not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=api_token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
