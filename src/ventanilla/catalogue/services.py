"""Writes to the catalogue: loading the declared catalogue from its YAML files."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ventanilla.catalogue import schemas
from ventanilla.catalogue.models import (
    CatalogueRevision,
    Event,
    EventService,
    EvidenceType,
    Holiday,
    PublicService,
    ServiceDefinition,
    ServiceSearchEntry,
)
from ventanilla.catalogue.selectors import definitions_forget
from ventanilla.catalogue.transactions import Problem, service_transaction_problems
from ventanilla.core.errors import CatalogueLoadError
from ventanilla.core.i18n import fold, language_codes
from ventanilla.identity.models import Agency

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

# Yearly holidays are written out for this span of years around the year of the load.
HOLIDAY_YEARS_BACK, HOLIDAY_YEARS_AHEAD = 2, 10


@dataclass
class CatalogueLoadReport:
    agencies: int = 0
    evidence: int = 0
    events: int = 0
    services_created: list[str] = field(default_factory=list)
    services_updated: list[str] = field(default_factory=list)
    services_unchanged: list[str] = field(default_factory=list)
    services_retired: list[str] = field(default_factory=list)

    @property
    def services(self) -> int:
        return (
            len(self.services_created) + len(self.services_updated) + len(self.services_unchanged)
        )


@dataclass
class _Document:
    file: str
    data: dict[str, Any]
    sha256: str


def _read(path: Path, root: Path, schema: dict[str, Any]) -> _Document:
    name = path.relative_to(root).as_posix()
    raw, data = _parse(path, name)
    errors = _schema_errors(data, schema)
    if errors:
        error = errors[0]
        raise CatalogueLoadError(file=name, field=schemas.error_path(error), reason=error.message)
    return _Document(file=name, data=data, sha256=hashlib.sha256(raw).hexdigest())


def _schema_errors(data: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    return sorted(
        jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).iter_errors(data),
        key=lambda error: list(map(str, error.absolute_path)),
    )


def service_file_problems(path: Path) -> list[Problem]:
    """Every problem of one service definition file on its own, each with its path.

    What ``ventanilla services check`` reports; references to agencies, evidence and
    events are checked when the whole catalogue is loaded.
    """
    try:
        _raw, data = _parse(path, path.name)
    except CatalogueLoadError as exc:
        return [Problem("(file)", exc.reason)]
    languages = language_codes()
    shape = [
        Problem(schemas.error_path(error) or "(file)", error.message)
        for error in _schema_errors(data, schemas.service_schema(languages))
    ]
    if shape:
        return shape
    return service_transaction_problems(data, languages)


def _parse(path: Path, name: str) -> tuple[bytes, dict[str, Any]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogueLoadError(
            file=name, field="", reason=f"cannot be read ({exc.strerror})"
        ) from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise CatalogueLoadError(file=name, field="", reason=f"{problem}{where}") from None
    if not isinstance(data, dict):
        raise CatalogueLoadError(file=name, field="", reason="must be a mapping of fields")
    return raw, data


def _check_unique(items: Iterable[tuple[str, str, str]]) -> None:
    """``items`` are (file, field, slug); a slug declared twice is an error."""
    seen: dict[str, str] = {}
    for file, field_path, slug in items:
        if slug in seen:
            raise CatalogueLoadError(
                file=file, field=field_path, reason=f"'{slug}' is declared twice"
            )
        seen[slug] = file


# The back office's own pages beside /backoffice/<agency>/: an agency with one of these
# slugs would have no back office.
RESERVED_AGENCY_SLUGS = frozenset({"exchange"})


def _read_catalogue(
    root: Path, languages: list[str]
) -> tuple[_Document, _Document, _Document, list[_Document]]:
    if not root.is_dir():
        raise CatalogueLoadError(file=str(root), field="", reason="is not a folder")
    for required in ("agencies.yaml", "evidence.yaml", "events.yaml"):
        if not (root / required).is_file():
            raise CatalogueLoadError(file=required, field="", reason="is missing")
    agencies = _read(root / "agencies.yaml", root, schemas.agencies_schema(languages))
    evidence = _read(root / "evidence.yaml", root, schemas.evidence_schema(languages))
    events = _read(root / "events.yaml", root, schemas.events_schema(languages))
    services = [
        _read(path, root, schemas.service_schema(languages))
        for path in sorted((root / "services").glob("*.yaml"))
    ]
    if not services:
        raise CatalogueLoadError(file="services/", field="", reason="holds no service file")

    _check_unique(
        (agencies.file, f"agencies[{i}].slug", item["slug"])
        for i, item in enumerate(agencies.data["agencies"])
    )
    _check_unique(
        (evidence.file, f"evidence[{i}].slug", item["slug"])
        for i, item in enumerate(evidence.data["evidence"])
    )
    _check_unique(
        (events.file, f"events[{i}].slug", item["slug"])
        for i, item in enumerate(events.data["events"])
    )
    _check_unique((doc.file, "slug", doc.data["slug"]) for doc in services)

    for i, item in enumerate(agencies.data["agencies"]):
        if item["slug"] in RESERVED_AGENCY_SLUGS:
            raise CatalogueLoadError(
                file=agencies.file,
                field=f"agencies[{i}].slug",
                reason=f"'{item['slug']}' is a page of the back office; choose another slug",
            )
    agency_slugs = {item["slug"] for item in agencies.data["agencies"]}
    evidence_slugs = {item["slug"] for item in evidence.data["evidence"]}
    service_slugs = {doc.data["slug"] for doc in services}

    def unknown(file: str, field_path: str, slug: str, what: str) -> CatalogueLoadError:
        return CatalogueLoadError(file=file, field=field_path, reason=f"no {what} '{slug}'")

    for i, item in enumerate(evidence.data["evidence"]):
        if item.get("held_by") and item["held_by"] not in agency_slugs:
            raise unknown(evidence.file, f"evidence[{i}].held_by", item["held_by"], "agency")
    for doc in services:
        data = doc.data
        expected = f"{data['slug']}.yaml"
        if Path(doc.file).name != expected:
            raise CatalogueLoadError(
                file=doc.file, field="slug", reason=f"the file must be named {expected}"
            )
        if data["competent_agency"] not in agency_slugs:
            raise unknown(doc.file, "competent_agency", data["competent_agency"], "agency")
        for i, slug in enumerate(data.get("participating_agencies", [])):
            if slug not in agency_slugs:
                raise unknown(doc.file, f"participating_agencies[{i}]", slug, "agency")
        for i, slug in enumerate(data.get("evidence", [])):
            if slug not in evidence_slugs:
                raise unknown(doc.file, f"evidence[{i}]", slug, "evidence type")
        problems = service_transaction_problems(data, languages)
        if problems:
            raise CatalogueLoadError(
                file=doc.file, field=problems[0].path, reason=problems[0].message
            )
    for i, item in enumerate(events.data["events"]):
        for j, slug in enumerate(item["services"]):
            if slug not in service_slugs:
                raise unknown(events.file, f"events[{i}].services[{j}]", slug, "service")
    return agencies, evidence, events, services


def _search_entry(
    service: PublicService, data: dict[str, Any], agency: Agency, language: str
) -> ServiceSearchEntry:
    body = " ".join(
        [
            data["description"].get(language, ""),
            data["eligibility"].get(language, ""),
            data["output"].get(language, ""),
            " ".join(data.get("keywords", {}).get(language, [])),
            agency.name.get(language, ""),
        ]
    )
    return ServiceSearchEntry(
        service=service,
        language=language,
        title=fold(data["name"].get(language, "")),
        body=fold(body),
    )


@transaction.atomic
def catalogue_load(*, directory: Path, progress: Progress | None = None) -> CatalogueLoadReport:
    """Load (or reload) the catalogue declared in ``directory``, all or nothing.

    Every file is read and checked before anything is written. A service whose definition
    changed must carry a higher ``version``; the version history is kept in
    ``ServiceDefinition``. Services whose file disappeared are retired (``is_active=False``),
    not deleted, so cases opened under them keep their meaning.
    """
    say = progress or (lambda _message: None)
    languages = language_codes()
    agencies_doc, evidence_doc, events_doc, service_docs = _read_catalogue(
        Path(directory), languages
    )
    holidays = _read_holidays(Path(directory), languages)
    report = CatalogueLoadReport()

    agencies: dict[str, Agency] = {}
    for item in agencies_doc.data["agencies"]:
        agency, _created = Agency.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "website": item.get("website", ""),
                "email": item.get("email", ""),
                "phone": item.get("phone", ""),
                "address": item.get("address", ""),
            },
        )
        agencies[agency.slug] = agency
    report.agencies = len(agencies)
    say(f"{report.agencies} agencies")

    evidence: dict[str, EvidenceType] = {}
    for item in evidence_doc.data["evidence"]:
        evidence_type, _created = EvidenceType.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "held_by": agencies.get(item.get("held_by", "")),
            },
        )
        evidence[evidence_type.slug] = evidence_type
    report.evidence = len(evidence)

    existing = {service.slug: service for service in PublicService.objects.all()}
    loaded_hashes = {
        (slug, version): sha256
        for slug, version, sha256 in ServiceDefinition.objects.values_list(
            "service__slug", "version", "sha256"
        )
    }
    services: dict[str, PublicService] = {}
    for doc in service_docs:
        data = doc.data
        slug, version = data["slug"], data["version"]
        current = existing.get(slug)
        if current is not None and current.is_active:
            if version < current.version:
                raise CatalogueLoadError(
                    file=doc.file,
                    field="version",
                    reason=f"version {version} is older than the loaded version {current.version}",
                )
            known = loaded_hashes.get((slug, version))
            if known == doc.sha256:
                services[slug] = current
                report.services_unchanged.append(slug)
                continue
            if known is not None:
                raise CatalogueLoadError(
                    file=doc.file,
                    field="version",
                    reason=(
                        f"the definition changed but its version is still {version}; "
                        "raise the version"
                    ),
                )
        service = _service_save(current, data, agencies, evidence)
        ServiceDefinition.objects.update_or_create(
            service=service,
            version=version,
            defaults={
                "sha256": doc.sha256,
                "definition": json.loads(json.dumps(data, default=str)),
                "source": doc.file,
            },
        )
        ServiceSearchEntry.objects.filter(service=service).delete()
        ServiceSearchEntry.objects.bulk_create(
            _search_entry(service, data, agencies[data["competent_agency"]], language)
            for language in languages
        )
        services[slug] = service
        (report.services_updated if current else report.services_created).append(slug)
    say(f"{report.services} services")

    retired = [slug for slug, svc in existing.items() if slug not in services and svc.is_active]
    PublicService.objects.filter(slug__in=retired).update(is_active=False)
    report.services_retired = retired

    Event.objects.exclude(slug__in=[item["slug"] for item in events_doc.data["events"]]).delete()
    for position, item in enumerate(events_doc.data["events"]):
        event, _created = Event.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "kind": item["kind"],
                "name": item["name"],
                "description": item["description"],
                "position": position,
            },
        )
        EventService.objects.filter(event=event).delete()
        EventService.objects.bulk_create(
            EventService(event=event, service=services[slug], position=index)
            for index, slug in enumerate(item["services"])
        )
    report.events = len(events_doc.data["events"])
    say(f"{report.events} life and business events")
    if holidays is not None:
        Holiday.objects.all().delete()
        Holiday.objects.bulk_create(
            Holiday(date=day, name=name) for day, name in sorted(holidays.items())
        )
    _revision_bump()
    transaction.on_commit(definitions_forget)
    logger.info(
        "catalogue loaded: %d agencies, %d services (%d new, %d updated, %d retired), %d events",
        report.agencies,
        report.services,
        len(report.services_created),
        len(report.services_updated),
        len(report.services_retired),
        report.events,
    )
    return report


def _read_holidays(root: Path, languages: list[str]) -> dict[dt.date, dict[str, str]] | None:
    """The holidays ``calendar.yaml`` declares (None without the file): yearly ones for
    a span of years around this one, then the one-off dates."""
    path = root / "calendar.yaml"
    if not path.is_file():
        return None
    doc = _read(path, root, schemas.calendar_schema(languages))
    this_year = timezone.localdate().year
    holidays: dict[dt.date, dict[str, str]] = {}
    for i, item in enumerate(doc.data.get("yearly", [])):
        try:
            dt.date(2024, item["month"], item["day"])  # a leap year: 29 February is allowed
        except ValueError:
            raise CatalogueLoadError(
                file=doc.file, field=f"yearly[{i}].day", reason="no such day in that month"
            ) from None
        for year in range(this_year - HOLIDAY_YEARS_BACK, this_year + HOLIDAY_YEARS_AHEAD + 1):
            with contextlib.suppress(ValueError):  # 29 February outside leap years
                holidays[dt.date(year, item["month"], item["day"])] = item["name"]
    for i, item in enumerate(doc.data.get("dates", [])):
        day = item["date"]
        try:
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        except ValueError:
            raise CatalogueLoadError(
                file=doc.file, field=f"dates[{i}].date", reason="is not a date like 2026-04-03"
            ) from None
        holidays[day] = item["name"]
    return holidays


def _revision_bump() -> None:
    """Move the catalogue revision on, in the load's transaction (cached pages go stale)."""
    now = timezone.now()
    updated = CatalogueRevision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now)
    if not updated:
        CatalogueRevision.objects.create(pk=1, number=1, changed_at=now)


def _service_save(
    current: PublicService | None,
    data: dict[str, Any],
    agencies: dict[str, Agency],
    evidence: dict[str, EvidenceType],
) -> PublicService:
    service = current or PublicService(slug=data["slug"])
    service.version = data["version"]
    service.name = data["name"]
    service.description = data["description"]
    service.eligibility = data["eligibility"]
    service.output = data["output"]
    service.competent_agency = agencies[data["competent_agency"]]
    service.channels = data["channels"]
    service.cost_amount = Decimal(data["cost"]["amount"])
    service.cost_currency = data["cost"]["currency"]
    service.processing_days = data["processing_days"]
    service.legal_basis = data["legal_basis"]
    service.keywords = data.get("keywords", {})
    service.is_active = True
    service.applies_online = "transaction" in data
    service.save()
    service.participating_agencies.set(
        [agencies[slug] for slug in data.get("participating_agencies", [])]
    )
    service.evidence.set([evidence[slug] for slug in data.get("evidence", [])])
    return service
