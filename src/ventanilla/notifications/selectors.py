from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ventanilla.core.errors import NotFoundError
from ventanilla.identity.models import User
from ventanilla.notifications.models import Notification


def email_verified(*, user: User) -> bool:
    """Whether ``user`` proved their address is theirs (only then is it emailed)."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_get_for_user(*, user: User, notification_id: int) -> Notification:
    try:
        return Notification.objects.get(pk=notification_id, recipient=user)
    except Notification.DoesNotExist:
        raise NotFoundError(_("There is no such message.")) from None
