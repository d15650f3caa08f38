"""Datasets the platform publishes by itself, from what it records: registry aggregates,
the catalogue of public services (also as CPSV-AP), and the ledger's signed checkpoints.

Every count under ``SUPPRESS_BELOW`` is published as empty with ``suppressed`` true, so
no person can be singled out; every combination is listed, so a suppressed cell does not
tell a zero from a one. A refresh that finds the same data adds no version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Case, CharField, Count, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from ventanilla.catalogue.models import PublicService
from ventanilla.identity.models import Agency
from ventanilla.insights.selectors import kpi_reports_by_service
from ventanilla.ledger.models import Checkpoint
from ventanilla.opendata.models import Dataset
from ventanilla.opendata.services import (
    DatasetFields,
    dataset_create,
    resource_create,
    resource_version_add,
    table_digest,
)
from ventanilla.opendata.tables import Table, rows_typed
from ventanilla.registries.activities import ACTIVITIES
from ventanilla.registries.models import Company, Person
from ventanilla.registries.owners import BUSINESS_OWNER, POPULATION_OWNER

logger = logging.getLogger(__name__)

SUPPRESS_BELOW = 10
AGE_BANDS = (("0-17", 18), ("18-34", 35), ("35-64", 65), ("65+", None))
CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")


def _suppressed(count: int) -> tuple[int | None, bool]:
    return (None, True) if count < SUPPRESS_BELOW else (count, False)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def population_table() -> Table:
    """Living residents per municipality and age band."""
    today = timezone.localdate()
    band = Case(
        *[
            When(birth_date__gt=_years_before(today, limit), then=Value(name))
            for name, limit in AGE_BANDS
            if limit is not None
        ],
        default=Value(AGE_BANDS[-1][0]),
        output_field=CharField(),
    )
    counts = {
        (row["municipality"], row["band"]): row["n"]
        for row in Person.objects.filter(death_date__isnull=True, birth_date__lte=today)
        .values("municipality", band=band)
        .annotate(n=Count("pk"))
        .order_by()
    }
    municipalities = sorted({m for m, _band in counts})
    rows = []
    for municipality in municipalities:
        for name, _limit in AGE_BANDS:
            residents, hidden = _suppressed(counts.get((municipality, name), 0))
            rows.append(
                {
                    "municipality": municipality,
                    "age_band": name,
                    "residents": residents,
                    "suppressed": hidden,
                }
            )
    return Table(
        fields=[
            {"id": "municipality", "type": "text"},
            {"id": "age_band", "type": "text"},
            {"id": "residents", "type": "int"},
            {"id": "suppressed", "type": "bool"},
        ],
        rows=rows,
    )


def companies_table() -> Table:
    """Companies that exist, per main activity (NACE Rev. 2)."""
    counts = {
        row["main_activity"]: row["n"]
        for row in Company.objects.filter(dissolved_on__isnull=True)
        .values(main_activity=KeyTextTransform("0", "activities"))
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = []
    for code in sorted(set(ACTIVITIES) | {c for c in counts if c}):
        companies, hidden = _suppressed(counts.get(code, 0))
        rows.append(
            {
                "activity_code": code,
                "activity": str(ACTIVITIES.get(code, code)),
                "companies": companies,
                "suppressed": hidden,
            }
        )
    return Table(
        fields=[
            {"id": "activity_code", "type": "text"},
            {"id": "activity", "type": "text"},
            {"id": "companies", "type": "int"},
            {"id": "suppressed", "type": "bool"},
        ],
        rows=rows,
    )


def services_table() -> Table:
    """Every active public service: who provides it, how to apply, fee and time."""
    services = (
        PublicService.objects.filter(is_active=True)
        .select_related("competent_agency")
        .prefetch_related("steps__event")
        .order_by("slug")
    )
    rows = [
        {
            "service": s.slug,
            "name": s.local_name,
            "agency": s.competent_agency.slug,
            "life_events": " ".join(sorted({step.event.slug for step in s.steps.all()})),
            "channels": " ".join(s.channels),
            "applies_online": s.applies_online,
            "fee": s.cost_amount,
            "currency": s.cost_currency,
            "processing_days": s.processing_days,
        }
        for s in services
    ]
    return Table(
        fields=[
            {"id": "service", "type": "text"},
            {"id": "name", "type": "text"},
            {"id": "agency", "type": "text"},
            {"id": "life_events", "type": "text"},
            {"id": "channels", "type": "text"},
            {"id": "applies_online", "type": "bool"},
            {"id": "fee", "type": "numeric"},
            {"id": "currency", "type": "text"},
            {"id": "processing_days", "type": "int"},
        ],
        rows=rows,
    )


def services_cpsv(*, site: str) -> bytes:
    """The same catalogue as CPSV-AP (Turtle): services, their competent authorities and
    the life events that group them."""
    graph = Graph()
    graph.bind("cpsv", CPSV)
    graph.bind("cv", CV)
    graph.bind("dct", DCTERMS)
    services = (
        PublicService.objects.filter(is_active=True)
        .select_related("competent_agency")
        .prefetch_related("steps__event")
        .order_by("slug")
    )
    for service in services:
        node = URIRef(f"{site}/services/{service.slug}")
        graph.add((node, RDF.type, CPSV.PublicService))
        graph.add((node, DCTERMS.identifier, Literal(service.slug)))
        for language, text in service.name.items():
            graph.add((node, DCTERMS.title, Literal(text, lang=language)))
        for language, text in service.description.items():
            graph.add((node, DCTERMS.description, Literal(text, lang=language)))
        agency = URIRef(f"{site}/agencies/{service.competent_agency.slug}")
        graph.add((node, CV.hasCompetentAuthority, agency))
        graph.add((agency, RDF.type, CV.PublicOrganisation))
        for language, text in service.competent_agency.name.items():
            graph.add((agency, DCTERMS.title, Literal(text, lang=language)))
        for step in service.steps.all():
            event = URIRef(f"{site}/events/{step.event.slug}")
            graph.add((node, CV.isGroupedBy, event))
            graph.add(
                (event, RDF.type, CV.LifeEvent if step.event.kind == "life" else CV.BusinessEvent)
            )
            for language, text in step.event.name.items():
                graph.add((event, DCTERMS.title, Literal(text, lang=language)))
    return graph.serialize(format="turtle").encode()


def checkpoints_table() -> Table:
    """Every checkpoint the ledger signed: anyone can check the log only ever grew."""
    return Table(
        fields=[
            {"id": "tree_size", "type": "int"},
            {"id": "root_hash", "type": "text"},
            {"id": "signed_at", "type": "timestamp"},
            {"id": "checkpoint", "type": "text"},
        ],
        rows=(
            {
                "tree_size": c.size,
                "root_hash": bytes(c.root_hash).hex(),
                "signed_at": c.at.isoformat(),
                "checkpoint": c.note,
            }
            for c in Checkpoint.objects.order_by("size").iterator()
        ),
    )


KPI_COLUMNS = (
    "digital_take_up", "completion_rate", "satisfaction", "cost_per_transaction",
    "decision_days_median", "decision_days_p90", "within_deadline", "once_only_rate",
)  # fmt: skip
MONTHS_PUBLISHED = 24


def kpis_table() -> Table:
    """Each service's KPIs month by month (the last two years): a month with fewer than
    the publishable number of transactions has its row, with every figure left empty and
    ``suppressed`` true; a KPI that cannot be computed is empty with its reason."""
    today = timezone.localdate()
    since = (today.replace(day=1) - dt.timedelta(days=31 * (MONTHS_PUBLISHED - 1))).replace(day=1)
    rows: list[dict[str, Any]] = []
    month = since
    while month <= today:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        until = min(today, following - dt.timedelta(days=1))
        for service, report in kpi_reports_by_service(since=month, until=until):
            row: dict[str, Any] = {
                "month": month.strftime("%Y-%m"),
                "service": service.slug,
                "agency": service.competent_agency.slug,
                "transactions": report.transactions if report.publishable else None,
                "suppressed": not report.publishable,
                "not_available": "",
            }
            reasons = []
            for key in KPI_COLUMNS:
                kpi = report.kpis[key]
                row[key] = kpi.value if report.publishable and kpi.value is not None else None
                if report.publishable and kpi.value is None and kpi.reason:
                    reasons.append(f"{key}: {kpi.reason}")
            row["not_available"] = "; ".join(reasons)
            rows.append(row)
        month = following
    return Table(
        fields=[
            {"id": "month", "type": "text"},
            {"id": "service", "type": "text"},
            {"id": "agency", "type": "text"},
            {"id": "transactions", "type": "int"},
            *({"id": key, "type": "numeric"} for key in KPI_COLUMNS),
            {"id": "suppressed", "type": "bool"},
            {"id": "not_available", "type": "text"},
        ],
        rows=rows,
    )


@dataclass(frozen=True)
class Publication:
    """One automatic dataset: who publishes it, what it says, and its table."""

    origin: str
    organization: Callable[[], str]
    fields: Callable[[], DatasetFields]
    resource: Callable[[], str]
    table: Callable[[], Table]


def _platform() -> str:
    return str(settings.VENTANILLA_CENTRAL_OFFICE)


PUBLICATIONS = (
    Publication(
        origin="registries.population",
        organization=lambda: POPULATION_OWNER,
        fields=lambda: DatasetFields(
            name="population-by-municipality-and-age",
            title=_("Population by municipality and age band"),
            notes=_(
                "Living residents in the population registry, per municipality and age band, "
                "updated every day. Counts under 10 are left empty and marked as suppressed."
            ),
            tags=["population", "municipalities", "statistics"],
        ),
        resource=lambda: _("Residents per municipality and age band"),
        table=population_table,
    ),
    Publication(
        origin="registries.business",
        organization=lambda: BUSINESS_OWNER,
        fields=lambda: DatasetFields(
            name="companies-by-activity",
            title=_("Companies by main activity"),
            notes=_(
                "Companies in the business registry, per main economic activity (NACE Rev. "
                "2), updated every day. Counts under 10 are left empty and marked as "
                "suppressed."
            ),
            tags=["companies", "economy", "statistics"],
        ),
        resource=lambda: _("Companies per main activity"),
        table=companies_table,
    ),
    Publication(
        origin="catalogue.services",
        organization=_platform,
        fields=lambda: DatasetFields(
            name="public-services",
            title=_("Catalogue of public services"),
            notes=_(
                "Every public service of every agency: who provides it, the life events it "
                "belongs to, how to apply, its fee and how long a decision takes. Also as "
                "CPSV-AP, the EU's vocabulary for public services."
            ),
            tags=["public-services", "catalogue", "CPSV-AP"],
        ),
        resource=lambda: _("Public services"),
        table=services_table,
    ),
    Publication(
        origin="insights.kpis",
        organization=_platform,
        fields=lambda: DatasetFields(
            name="service-performance",
            title=_("Performance of public services, month by month"),
            notes=_(
                "For each public service and month: transactions, digital take-up, "
                "completion rate, user satisfaction, cost per transaction, time to decision "
                "(median and 90th percentile, in working days), decisions within the "
                "deadline and the once-only rate, in per cent where they are shares. A month "
                "with fewer than 10 transactions is marked as suppressed and shows no "
                "figures; a figure that cannot be computed is empty, with the reason."
            ),
            tags=["performance", "public-services", "statistics"],
        ),
        resource=lambda: _("Service KPIs per month"),
        table=kpis_table,
    ),
    Publication(
        origin="ledger.checkpoints",
        organization=_platform,
        fields=lambda: DatasetFields(
            name="ledger-checkpoints",
            title=_("Signed checkpoints of the transparency ledger"),
            notes=_(
                "Each signed state of the transparency ledger (RFC 9162 Merkle tree): its "
                "size, root hash and the signed note. Compare them with what the ledger "
                "serves to check that its history was never rewritten."
            ),
            tags=["transparency", "ledger"],
        ),
        resource=lambda: _("Checkpoints"),
        table=checkpoints_table,
    ),
)


def _digest(table: Table) -> tuple[str, list[dict[str, Any]]]:
    rows = list(rows_typed(table.fields, table.rows))
    fields = [{"id": c["id"], "type": c["type"]} for c in table.fields]
    return table_digest(fields, rows), rows


@transaction.atomic
def publication_refresh(publication: Publication, *, site: str = "") -> bool:
    """Publish ``publication``'s current table; True when that made a new version."""
    with translation.override(settings.LANGUAGE_CODE):
        agency = Agency.objects.filter(slug=publication.organization()).first()
        if agency is None:
            logger.warning(
                "no agency %s to publish %s", publication.organization(), publication.origin
            )
            return False
        table = publication.table()
        digest, rows = _digest(table)
        dataset = Dataset.objects.select_for_update().filter(origin=publication.origin).first()
        if dataset is None:
            dataset = dataset_create(
                actor=None,
                organization=agency,
                fields=publication.fields(),
                origin=publication.origin,
            )
        resource = dataset.resources.filter(kind="table").order_by("position").first()
        if resource is None:
            resource = resource_create(
                actor=None,
                dataset=dataset,
                name=publication.resource(),
                table=Table(fields=table.fields, rows=rows),
            )
            changed = True
        else:
            latest = resource.versions.order_by("-number").first()
            changed = latest is None or latest.digest != digest
            if changed:
                resource_version_add(
                    actor=None, resource=resource, table=Table(fields=table.fields, rows=rows)
                )
        if publication.origin == "catalogue.services":
            changed |= _cpsv_refresh(dataset, site=site or settings.VENTANILLA_PUBLIC_URL)
        return changed


def _cpsv_refresh(dataset: Dataset, *, site: str) -> bool:
    content = services_cpsv(site=site.rstrip("/"))
    upload = SimpleUploadedFile("public-services.ttl", content, content_type="text/turtle")
    resource = dataset.resources.filter(kind="file").first()
    if resource is None:
        resource_create(
            actor=None,
            dataset=dataset,
            name=_("Public services (CPSV-AP, Turtle)"),
            format="TTL",
            upload=upload,
        )
        return True
    latest = resource.versions.order_by("-number").first()
    if latest is not None and latest.digest == hashlib.sha256(content).hexdigest():
        return False
    resource_version_add(actor=None, resource=resource, upload=upload)
    return True


def publications_refresh() -> int:
    """Refresh every automatic dataset (the worker's job); how many changed. One that
    fails is logged and left for the next round; the others go on."""
    changed = 0
    for publication in PUBLICATIONS:
        try:
            changed += publication_refresh(publication)
        except Exception:
            logger.exception("publishing %s failed", publication.origin)
    return changed
