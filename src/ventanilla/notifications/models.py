"""Notifications: one row per message to a person, shown in their inbox and emailed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.notifications.enums import EmailStatus, Kind


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    language = models.CharField(max_length=8, help_text=_("The language it was written in."))
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Personal data: may name the person and their case."))
    link = models.CharField(max_length=300, blank=True, help_text=_("A path on this site."))
    reference = models.CharField(max_length=20, blank=True, db_index=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}"
