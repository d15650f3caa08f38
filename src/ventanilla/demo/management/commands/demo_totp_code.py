from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ventanilla.demo.services import DEMO_TOTP_SECRET

TOTP_PERIOD = 30


class Command(BaseCommand):
    help = "Print the current authenticator code of the demo officials (embedded demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EMBEDDED:
            raise CommandError("Demo codes exist only in VENTANILLA_MODE=embedded.")
        counter = int(time.time()) // TOTP_PERIOD
        remaining = TOTP_PERIOD - int(time.time()) % TOTP_PERIOD
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  (valid for {remaining} more seconds)")
