from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ventanilla.core.errors import NotFoundError
from ventanilla.identity.models import User
from ventanilla.notifications.models import Notification


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_get_for_user(*, user: User, notification_id: int) -> Notification:
    try:
        return Notification.objects.get(pk=notification_id, recipient=user)
    except Notification.DoesNotExist:
        raise NotFoundError(_("There is no such message.")) from None
