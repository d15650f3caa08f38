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
from ventanilla.exchange.enums import CallOutcome
from ventanilla.exchange.models import Call, DataService, Member, Subsystem
from ventanilla.insights.enums import SatisfactionAnswer
from ventanilla.insights.models import OfflineCount, SatisfactionResponse

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


def call(reference: str, *, on: dt.datetime, outcome: str = CallOutcome.COMPLETED) -> None:
    member, _ = Member.objects.get_or_create(
        instance="DEMO", member_class="GOV", member_code="civil-registry"
    )
    subsystem, _ = Subsystem.objects.get_or_create(
        member=member, code="registry", defaults={"name": {"en": "Registry"}}
    )
    data, _ = DataService.objects.get_or_create(
        code="population/person",
        defaults={"provider": subsystem, "name": {"en": "Person"}, "response_schema": {}},
    )
    Call.objects.create(
        at=on,
        client=subsystem,
        service=data,
        subject="pseudonym",
        purpose="benefits",
        case_reference=reference,
        outcome=outcome,
    )


# Monday 6 April 2026. Friday 3 April is Good Friday in the test calendar, a holiday.
DAY = dt.date(2026, 4, 6)


@pytest.fixture
def history(service: PublicService) -> dict[str, Application]:
    """What happened around Monday 6 April, worked out by hand in the test below."""
    # Sent on Thursday 2 April by the API, approved Monday 6 April by the date given:
    # 1 working day (Friday is Good Friday).
    early, case = sent(service, on=at(dt.date(2026, 4, 2), 10), expected=DAY)
    decided(case, action="approve", on=at(DAY, 11))
    SatisfactionResponse.objects.create(
        application=early, answer=SatisfactionAnswer.SATISFIED, answered_at=at(DAY, 12)
    )
    # Sent Monday 30 March by the API, due Wednesday 1 April, rejected Monday 6 April:
    # 31 March, 1 and 2 April and 6 April are 4 working days; the deadline was missed.
    _late, case = sent(service, on=at(dt.date(2026, 3, 30), 9), expected=dt.date(2026, 4, 1))
    decided(case, action="reject", on=at(DAY, 15))
    # Begun and sent on the website that Monday, its fee paid, one piece of evidence
    # fetched from a registry (and one look-up refused, which does not count).
    today, _case = sent(service, on=at(DAY, 9), channel=Channel.WEB)
    fee(today, amount="5.00", on=at(DAY, 9))
    call(today.reference or "", on=at(DAY, 9))
    call(today.reference or "", on=at(DAY, 9), outcome=CallOutcome.REFUSED)
    # A draft begun that Monday, and one last touched 30 days before: abandoned.
    resident = factories.resident()
    begun = applications.application_start(applicant=resident, service=service)
    Application.objects.filter(pk=begun.pk).update(created_at=at(DAY, 14))
    left = applications.application_start(applicant=factories.resident(), service=service)
    Application.objects.filter(pk=left.pk).update(
        created_at=at(dt.date(2026, 3, 1), 8), updated_at=at(dt.date(2026, 3, 7), 18)
    )
    # Seven at the counter, as the official counted them.
    OfflineCount.objects.create(
        day=DAY, service=service, channel="counter", count=7, recorded_at=at(DAY, 17)
    )
    return {"early": early, "today": today}
