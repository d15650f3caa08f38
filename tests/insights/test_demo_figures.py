"""Demoland declares performance figures for every service, and has facts to show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ventanilla.catalogue.models import PublicService
from ventanilla.demo.services import demo_load
from ventanilla.insights.models import Fact, OfflineCount
from ventanilla.insights.selectors import impact_for, kpi_report_for, performance_specs

pytestmark = pytest.mark.django_db


def test_every_demo_service_costs_each_of_its_channels_and_the_kpis_are_available() -> None:
    demo_load(residents=300)

    services = list(PublicService.objects.all())
    specs = performance_specs(service_ids=[s.pk for s in services])
    for service in services:
        channels = set(service.channels) | ({"api"} if service.applies_online else set())
        assert set(specs[service.pk].unit_costs) == channels, service.slug
        assert specs[service.pk].resident_before is not None, service.slug
    since, today = timezone.localdate() - dt.timedelta(days=30), timezone.localdate()
    report = kpi_report_for(since=since, until=today)
    assert report.publishable
    assert {share.channel for share in report.channels} >= {"web", "api", "counter"}
    assert all(
        report.kpis[key].available
        for key in ("cost_per_transaction", "digital_take_up", "completion_rate")
    )
    assert impact_for(since=since, until=today).not_counted == ()

    rows = (OfflineCount.objects.count(), Fact.objects.count())
    demo_load(residents=300)
    assert (OfflineCount.objects.count(), Fact.objects.count()) == rows
