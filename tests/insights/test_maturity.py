"""Each service's maturity stage, from its definition and its real use."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.insights.test_pages import _facts
from ventanilla.catalogue.models import PublicService
from ventanilla.insights.enums import MaturityStage
from ventanilla.insights.kpis import FactTotals
from ventanilla.insights.maturity import maturity_stage
from ventanilla.insights.models import Fact
from ventanilla.insights.selectors import maturity_by_service, maturity_counts
from ventanilla.insights.services import facts_rollup_month

TRANSACTION = {"channels": ["web"], "transaction": {"form": {}}}


@pytest.mark.parametrize(
    ("definition", "counters", "stage"),
    [
        ({"channels": ["counter"]}, {}, MaturityStage.INFORMATION),
        ({"channels": ["counter", "post"]}, {}, MaturityStage.DOWNLOADABLE_FORM),
        (TRANSACTION, {"submitted": 3}, MaturityStage.ONLINE_FORM),
        (TRANSACTION, {"approved": 1}, MaturityStage.TRANSACTIONAL),
        (TRANSACTION, {"rejected": 1, "evidence_fetched": 2}, MaturityStage.CONNECTED),
        ({**TRANSACTION, "proactive": {"when": "birth"}}, {}, MaturityStage.PROACTIVE),
    ],
)
def test_the_stage_follows_the_definition_and_its_use(
    definition: dict[str, object], counters: dict[str, int], stage: MaturityStage
) -> None:
    assert maturity_stage(definition=definition, totals=FactTotals(counters=counters)) == stage


@pytest.mark.django_db
def test_the_government_counts_services_at_each_stage(service: PublicService) -> None:
    today = timezone.localdate()
    _facts(service, web=12)
    Fact.objects.filter(service=service).update(approved=3, evidence_fetched=1)
    facts_rollup_month(month=today.replace(day=1))

    assert [(s.slug, stage) for s, stage in maturity_by_service(since=today, until=today)] == [
        ("child-benefit", MaturityStage.CONNECTED),  # "Claim child benefit"
        ("birth-certificate", MaturityStage.INFORMATION),  # "Get a birth certificate"
    ]
    assert dict(maturity_counts(since=today, until=today)) == {
        MaturityStage.INFORMATION: 1,
        MaturityStage.DOWNLOADABLE_FORM: 0,
        MaturityStage.ONLINE_FORM: 0,
        MaturityStage.TRANSACTIONAL: 0,
        MaturityStage.CONNECTED: 1,
        MaturityStage.PROACTIVE: 0,
    }
    page = Client().get(reverse("insights:performance")).content.decode()
    assert (
        '<th scope="row">5. Connected: data fetched once-only across agencies</th>'
        '<td class="numeric">1</td>'
    ) in page
