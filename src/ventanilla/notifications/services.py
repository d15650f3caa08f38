"""Telling people what happened: write the message in their language, keep it in their
inbox, and email it after the change it reports has committed."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks_db import DatabaseBackend

from ventanilla.identity.models import User
from ventanilla.notifications.enums import EmailStatus, Kind
from ventanilla.notifications.models import Notification
from ventanilla.notifications.selectors import email_verified

logger = logging.getLogger(__name__)


def notification_send(
    *,
    recipient: User,
    kind: Kind,
    language: str,
    context: dict[str, Any],
    link: str = "",
    reference: str = "",
    verified: bool | None = None,
) -> Notification:
    """Write ``kind``'s message for ``recipient`` in ``language``; email it on commit.

    The templates are ``notifications/<kind>_subject.txt`` and ``notifications/<kind>.txt``;
    they get ``context`` plus ``recipient`` and ``link``. ``verified`` is
    ``email_verified(user=recipient)`` when the caller looked it up already (before its
    write transaction, to keep that short).
    """
    with translation.override(language):
        values = {**context, "recipient": recipient, "link": link}
        subject = " ".join(render_to_string(f"notifications/{kind}_subject.txt", values).split())
        body = render_to_string(f"notifications/{kind}.txt", values).strip()
    # Only to an address the person proved is theirs; the inbox has it either way.
    if verified is None:
        verified = email_verified(user=recipient)
    notification = Notification.objects.create(
        email_status=EmailStatus.PENDING if verified else EmailStatus.NO_ADDRESS,
        recipient=recipient,
        kind=kind,
        language=language,
        subject=subject[:200],
        body=body,
        link=link,
        reference=reference,
        created_at=timezone.now(),
    )
    if not verified:
        return notification
    from ventanilla.notifications.tasks import email_deliver

    if isinstance(email_deliver.get_backend(), DatabaseBackend):
        # The queue is a table of this database: enqueued in the same transaction, the
        # email is sent if and only if the change commits, and is not lost in between.
        email_deliver.enqueue(notification.pk)
    else:
        transaction.on_commit(lambda: email_deliver.enqueue(notification.pk))
    return notification


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
