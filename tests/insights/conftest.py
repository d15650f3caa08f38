from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from ventanilla.applications import services as applications
from ventanilla.applications.models import Application
from ventanilla.casework.models import Case
from ventanilla.casework.services import case_transition
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService

ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
}
CASEWORKER_AND_APPROVER = {"caseworker", "approver"}


def at(day: dt.date, hour: int) -> dt.datetime:
    """``hour`` o'clock on local ``day``."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def service(small_catalogue: Path) -> PublicService:
    return PublicService.objects.get(slug="child-benefit")


def sent(
    service: PublicService,
    *,
    on: dt.datetime,
    channel: Channel = Channel.API,
    expected: dt.date | None = None,
) -> tuple[Application, Case]:
    """An application sent through ``channel`` at ``on`` (its draft begun a minute before)."""
    application, case, _created = applications.application_file(
        applicant=factories.resident(), service=service, answers=ANSWERS, channel=channel
    )
    assert case is not None
    changes: dict[str, Any] = {"created_at": on - dt.timedelta(minutes=1), "submitted_at": on}
    if expected is not None:
        changes["decision_expected_by"] = expected
    Application.objects.filter(pk=application.pk).update(**changes)
    Case.objects.filter(pk=case.pk).update(created_at=on)
    application.refresh_from_db()
    case.refresh_from_db()
    return application, case


def decided(case: Case, *, action: str, on: dt.datetime) -> Case:
    """``case`` approved or rejected (``action``) at ``on``."""
    official = factories.user()
    case = case_transition(
        case=case, action="start-review", actor=official, roles=CASEWORKER_AND_APPROVER
    )
    case = case_transition(
        case=case,
        action=action,
        actor=official,
        roles=CASEWORKER_AND_APPROVER,
        reason="Not eligible." if action == "reject" else "",
    )
    Case.objects.filter(pk=case.pk).update(closed_at=on)
    case.refresh_from_db()
    return case


def fee(application: Application, *, amount: str, on: dt.datetime) -> None:
    from ventanilla.payments.enums import PaymentStatus
    from ventanilla.payments.models import Payment

    Payment.objects.create(
        payer=application.applicant,
        reference=f"application:{application.public_id}",
        description="Child benefit",
        amount=Decimal(amount),
        currency="DMD",
        status=PaymentStatus.CAPTURED,
        provider="sandbox",
        card_last4="4242",
        idempotency_key=f"test:{application.public_id}",
        receipt_number=f"R-{application.pk}",
        captured_at=on,
    )
