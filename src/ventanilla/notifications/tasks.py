"""Background delivery of notification emails (the worker runs these)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from ventanilla.notifications.enums import EmailStatus
from ventanilla.notifications.models import Notification

logger = logging.getLogger(__name__)


@task()
def email_deliver(notification_id: int) -> str:
    """Email one notification; records sent or failed (the inbox copy stays either way)."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.email_status == EmailStatus.SENT:
        return EmailStatus.SENT
    link = f"{settings.VENTANILLA_PUBLIC_URL}{notification.link}" if notification.link else ""
    body = f"{notification.body}\n\n{link}".strip()
    try:
        send_mail(
            notification.subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
        )
    except OSError as exc:  # SMTP refused or unreachable: keep the reason, not the address
        logger.warning("notification %s: email failed: %s", notification.pk, type(exc).__name__)
        notification.email_status = EmailStatus.FAILED
        notification.email_error = type(exc).__name__
    else:
        notification.email_status = EmailStatus.SENT
        notification.email_sent_at = timezone.now()
    notification.save(update_fields=["email_status", "email_sent_at", "email_error"])
    return str(notification.email_status)
