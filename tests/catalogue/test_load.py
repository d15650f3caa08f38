from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ventanilla.catalogue.models import (
    Event,
    EventService,
    PublicService,
    ServiceDefinition,
    ServiceSearchEntry,
)
from ventanilla.catalogue.services import catalogue_load
from ventanilla.core.errors import CatalogueLoadError
from ventanilla.identity.models import Agency

pytestmark = pytest.mark.django_db


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new))


def _state() -> tuple[object, ...]:
    return (
        list(Agency.objects.order_by("slug").values_list("slug", "name")),
        list(
            PublicService.objects.order_by("slug").values_list(
                "slug", "version", "name", "is_active"
            )
        ),
        list(
            EventService.objects.order_by("event__slug", "position").values_list(
                "service__slug", flat=True
            )
        ),
        ServiceDefinition.objects.count(),
        list(ServiceSearchEntry.objects.order_by("pk").values_list("title", "body")),
    )


def test_a_good_catalogue_loads_everything(catalogue_dir: Path) -> None:
    report = catalogue_load(directory=catalogue_dir)

    assert (report.agencies, report.evidence, report.events) == (2, 2, 1)
    assert report.services_created == ["birth-certificate", "child-benefit"]
    service = PublicService.objects.get(slug="child-benefit")
    assert service.name["es"] == "Solicitar la prestación por hijo"
    assert service.competent_agency.slug == "treasury"
    assert [a.slug for a in service.participating_agencies.all()] == ["registry"]
    assert str(service.cost_amount) == "0.00"
    assert service.processing_days == 10
    assert sorted(e.slug for e in service.evidence.all()) == ["birth-record", "photo"]
    event = Event.objects.get(slug="having-a-baby")
    assert [s.service.slug for s in event.steps.order_by("position")] == [
        "birth-certificate",
        "child-benefit",
    ]
    entry = ServiceSearchEntry.objects.get(service=service, language="es")
    assert entry.title == "solicitar la prestacion por hijo"


def test_loading_the_same_files_again_changes_nothing(small_catalogue: Path) -> None:
    before = _state()
    report = catalogue_load(directory=small_catalogue)
    assert report.services_unchanged == ["birth-certificate", "child-benefit"]
    assert report.services_created == report.services_updated == []
    assert _state() == before


def test_a_new_version_updates_the_service_and_keeps_the_history(small_catalogue: Path) -> None:
    path = small_catalogue / "services" / "child-benefit.yaml"
    _rewrite(path, "version: 1", "version: 2")
    _rewrite(path, "processing_days: 10", "processing_days: 7")
    _rewrite(path, "deadline_days: 8", "deadline_days: 5")  # the workflow agrees

    report = catalogue_load(directory=small_catalogue)

    assert report.services_updated == ["child-benefit"]
    service = PublicService.objects.get(slug="child-benefit")
    assert (service.version, service.processing_days) == (2, 7)
    assert list(service.definitions.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_a_changed_definition_without_a_new_version_is_refused(small_catalogue: Path) -> None:
    path = small_catalogue / "services" / "child-benefit.yaml"
    _rewrite(path, "processing_days: 10", "processing_days: 7")
    _rewrite(path, "deadline_days: 8", "deadline_days: 5")
    before = _state()

    with pytest.raises(CatalogueLoadError) as raised:
        catalogue_load(directory=small_catalogue)

    assert raised.value.message == (
        "services/child-benefit.yaml: version: the definition changed but its version is "
        "still 1; raise the version"
    )
    assert _state() == before


def test_a_removed_service_file_retires_the_service(small_catalogue: Path) -> None:
    (small_catalogue / "services" / "child-benefit.yaml").unlink()
    _rewrite(
        small_catalogue / "events.yaml", "[birth-certificate, child-benefit]", "[birth-certificate]"
    )

    report = catalogue_load(directory=small_catalogue)

    assert report.services_retired == ["child-benefit"]
    assert not PublicService.objects.get(slug="child-benefit").is_active


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "services/child-benefit.yaml",
            "es: Un pago mensual",
            "fr: Un pago mensual",
            "services/child-benefit.yaml: description.es: 'es' is a required property",
        ),
        (
            "services/child-benefit.yaml",
            "processing_days: 10",
            "processing_days: ten",
            "services/child-benefit.yaml: processing_days: 'ten' is not of type 'integer'",
        ),
        (
            "services/child-benefit.yaml",
            "channels: [web]",
            "channels: [carrier-pigeon]",
            "services/child-benefit.yaml: channels[0]: 'carrier-pigeon' is not one of "
            "['web', 'counter', 'kiosk', 'sms', 'ussd', 'phone', 'post', 'api']",
        ),
        (
            "services/child-benefit.yaml",
            "competent_agency: treasury",
            "competent_agency: ministry-of-magic",
            "services/child-benefit.yaml: competent_agency: no agency 'ministry-of-magic'",
        ),
        (
            "services/child-benefit.yaml",
            "evidence: [birth-record, photo]",
            "evidence: [birth-record, horoscope]",
            "services/child-benefit.yaml: evidence[1]: no evidence type 'horoscope'",
        ),
        (
            "services/child-benefit.yaml",
            "slug: child-benefit",
            "slug: child-allowance",
            "services/child-benefit.yaml: slug: the file must be named child-allowance.yaml",
        ),
        (
            "services/child-benefit.yaml",
            "processing_days: 10",
            "processing_days: 10\nwebsite: https://x.example",
            "services/child-benefit.yaml: website: Additional properties are not allowed "
            "('website' was unexpected)",
        ),
        (
            "events.yaml",
            "[birth-certificate, child-benefit]",
            "[birth-certificate, child-benefits]",
            "events.yaml: events[0].services[1]: no service 'child-benefits'",
        ),
        (
            "agencies.yaml",
            "  - slug: treasury",
            "  - slug: registry",
            "agencies.yaml: agencies[1].slug: 'registry' is declared twice",
        ),
        (
            "agencies.yaml",
            "name: {en: Test Treasury",
            "name: {en: [Test Treasury",
            "agencies.yaml: expected ',' or ']', but got '}' at line 8, column 55",
        ),
    ],
)
def test_a_broken_file_is_reported_by_file_field_and_reason_and_changes_nothing(
    small_catalogue: Path, file: str, old: str, new: str, message: str
) -> None:
    _rewrite(small_catalogue / "services" / "birth-certificate.yaml", "version: 1", "version: 2")
    _rewrite(
        small_catalogue / "services" / "birth-certificate.yaml",
        "processing_days: 2",
        "processing_days: 3",
    )
    _rewrite(small_catalogue / file, old, new)
    before = _state()

    with pytest.raises(CatalogueLoadError) as raised:
        catalogue_load(directory=small_catalogue)

    assert raised.value.message == message
    assert _state() == before


def test_the_command_reports_a_broken_file_and_says_nothing_changed(catalogue_dir: Path) -> None:
    (catalogue_dir / "events.yaml").unlink()
    with pytest.raises(CommandError) as raised:
        call_command("catalogue_load", str(catalogue_dir))
    assert str(raised.value) == "Nothing was changed. events.yaml: is missing"
    assert not Agency.objects.exists()


def test_the_command_loads_a_good_folder(
    catalogue_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("catalogue_load", str(catalogue_dir))
    assert capsys.readouterr().out.strip() == (
        "Loaded 2 agencies, 2 evidence types, 1 events and 2 services "
        "(2 new, 0 updated, 0 unchanged, 0 retired)."
    )


def test_processing_days_that_disagree_with_the_workflow_are_refused(
    small_catalogue: Path,
) -> None:
    path = small_catalogue / "services" / "child-benefit.yaml"
    _rewrite(path, "version: 1", "version: 2")
    _rewrite(path, "processing_days: 10", "processing_days: 7")
    before = _state()

    with pytest.raises(CatalogueLoadError) as raised:
        catalogue_load(directory=small_catalogue)

    assert raised.value.message == (
        "services/child-benefit.yaml: processing_days: is 7, but the workflow's deadlines "
        "add up to 10 working days to approval"
    )
    assert _state() == before


def test_an_agency_named_like_a_back_office_page_is_refused(small_catalogue: Path) -> None:
    """/backoffice/exchange/ is the government-wide exchange page: an agency with that
    slug would have no back office of its own."""
    before = _state()
    _rewrite(small_catalogue / "agencies.yaml", "slug: treasury", "slug: exchange")

    with pytest.raises(CatalogueLoadError) as raised:
        catalogue_load(directory=small_catalogue)

    assert raised.value.message == (
        "agencies.yaml: agencies[1].slug: 'exchange' is a page of the back office; "
        "choose another slug"
    )
    assert _state() == before
