"""Reads of the catalogue for the portal and the API. Each bounds its query count."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ventanilla.catalogue.enums import EventKind
from ventanilla.catalogue.models import (
    CatalogueRevision,
    Event,
    EventService,
    Holiday,
    PublicService,
    ServiceDefinition,
)
from ventanilla.catalogue.transactions import TransactionSpec, transaction_spec
from ventanilla.core.calendar import WorkingCalendar
from ventanilla.core.errors import NotFoundError
from ventanilla.core.i18n import fold
from ventanilla.identity.models import Agency

MAX_QUERY_WORDS = 8
_WORD = re.compile(r"\w+")
# Words too common to narrow a search; dropped so "certificate of death" finds the service.
_STOP_WORDS = {
    "en": {"a", "an", "and", "for", "how", "i", "in", "my", "of", "on", "or", "the", "to"},
    "es": {
        "a", "al", "como", "de", "del", "el", "en", "la", "las", "los", "mi", "o", "para",
        "por", "un", "una", "y",
    },
}  # fmt: skip


_CALENDARS: dict[str, WorkingCalendar] = {}
_SPECS: dict[tuple[int, str], TransactionSpec] = {}
_DEFINITIONS: dict[tuple[int, int], ServiceDefinition] = {}
_CACHE_LIMIT = 256


def working_calendar() -> WorkingCalendar:
    """Working days, with the public holidays the catalogue declares.

    Kept per process for the catalogue revision it was read at (one small query to check),
    so a catalogue load brings new holidays into use at once.
    """
    revision = catalogue_revision()
    calendar = _CALENDARS.get(revision)
    if calendar is None:
        if len(_CALENDARS) >= _CACHE_LIMIT:
            _CALENDARS.clear()
        calendar = _CALENDARS[revision] = WorkingCalendar(
            Holiday.objects.values_list("date", flat=True)
        )
    return calendar


def transaction_spec_for(definition: ServiceDefinition) -> TransactionSpec:
    """The executable part of a service definition version (NotFoundError if it has none).

    A definition version never changes once loaded (a change needs a new version), so its
    parsed form is kept per process, keyed by row and content hash.
    """
    key = (definition.pk, definition.sha256)
    spec = _SPECS.get(key)
    if spec is None:
        section = definition.definition.get("transaction")
        if section is None:
            raise NotFoundError(_("This service cannot be applied for online."))
        if len(_SPECS) >= _CACHE_LIMIT:
            _SPECS.clear()
        spec = _SPECS[key] = transaction_spec(section)
    return spec


def service_definition_current(*, service: PublicService) -> ServiceDefinition:
    """The definition version ``service`` is applied for under now. A (service, version)
    row never changes once loaded, so it is kept per process (without its YAML, which
    ``transaction_spec_for`` reads once per version)."""
    key = (service.pk, service.version)
    definition = _DEFINITIONS.get(key)
    if definition is None:
        if len(_DEFINITIONS) >= _CACHE_LIMIT:
            _DEFINITIONS.clear()
        definition = _DEFINITIONS[key] = service.definitions.defer("definition").get(
            version=service.version
        )
    return definition


def definitions_forget() -> None:
    """Drop the per-process copies of definitions: after a load, or a test's new database."""
    _DEFINITIONS.clear()


def catalogue_revision() -> str:
    """What the catalogue's public pages are made from, as a cache key part (one query)."""
    row = CatalogueRevision.objects.values_list("number", "changed_at").first()
    if row is None:
        return "0"
    number, changed_at = row
    return f"{number}.{changed_at.timestamp():.6f}"


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.order_by("slug")


def agency_get(*, slug: str) -> Agency:
    try:
        return Agency.objects.get(slug=slug)
    except Agency.DoesNotExist:
        raise NotFoundError(_("There is no agency '%(slug)s'.") % {"slug": slug}) from None


def service_list(*, agency: Agency | None = None) -> QuerySet[PublicService]:
    services = PublicService.objects.filter(is_active=True).select_related("competent_agency")
    if agency is not None:
        services = services.filter(competent_agency=agency)
    return services.order_by("slug")


def service_get_brief(*, slug: str) -> PublicService:
    """One active service with its agency only (one query), for applying to it."""
    try:
        return PublicService.objects.select_related("competent_agency").get(
            slug=slug, is_active=True
        )
    except PublicService.DoesNotExist:
        raise NotFoundError(_("There is no service '%(slug)s'.") % {"slug": slug}) from None


def service_get(*, slug: str) -> PublicService:
    """One active service with everything its page shows, in four queries."""
    try:
        return (
            PublicService.objects.select_related("competent_agency")
            .prefetch_related(
                "participating_agencies",
                "evidence__held_by",
                Prefetch("events", queryset=Event.objects.order_by("position")),
            )
            .get(slug=slug, is_active=True)
        )
    except PublicService.DoesNotExist:
        raise NotFoundError(_("There is no service '%(slug)s'.") % {"slug": slug}) from None


def event_list(*, kind: EventKind | str | None = None) -> QuerySet[Event]:
    events = Event.objects.order_by("position")
    if kind:
        events = events.filter(kind=kind)
    return events


def _steps() -> Prefetch[str]:
    return Prefetch(
        "steps",
        queryset=EventService.objects.filter(service__is_active=True)
        .select_related("service__competent_agency")
        .order_by("position"),
    )


def event_get(*, slug: str) -> Event:
    """One event with its active services in order (two queries)."""
    try:
        return Event.objects.prefetch_related(_steps()).get(slug=slug)
    except Event.DoesNotExist:
        raise NotFoundError(
            _("There is no life or business event '%(slug)s'.") % {"slug": slug}
        ) from None


def event_list_with_services(*, kind: EventKind | str | None = None) -> QuerySet[Event]:
    return event_list(kind=kind).prefetch_related(_steps())


@dataclass(frozen=True)
class AgencyGroup:
    agency: Agency
    services: list[PublicService]


def event_services_by_agency(*, event: Event) -> list[AgencyGroup]:
    """The event's services grouped by competent agency, agencies in order of first step.

    Within an agency the event's order is kept, so a resident reads the journey agency by
    agency without losing the sequence. Uses the steps ``event_get`` prefetched.
    """
    groups: dict[int, AgencyGroup] = {}
    for step in event.steps.all():
        agency = step.service.competent_agency
        groups.setdefault(agency.pk, AgencyGroup(agency=agency, services=[]))
        groups[agency.pk].services.append(step.service)
    return list(groups.values())


def _query_words(query: str, language: str) -> list[str]:
    stop = _STOP_WORDS.get(language, set())
    words = [word for word in _WORD.findall(fold(query)) if word not in stop]
    return words[:MAX_QUERY_WORDS]


def service_search(*, query: str, language: str, limit: int = 50) -> list[PublicService]:
    """Active services matching every word of ``query`` in ``language``, best first.

    Accents and case are ignored (both index and query are folded) and each word matches
    as a prefix, so "defuncion" finds "defunción" and "licen" finds "licence". A match in
    the name ranks above one in the description. SQLite uses FTS5, PostgreSQL full-text.
    """
    words = _query_words(query, language)
    if not words:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tsquery = " & ".join(f"{word}:*" for word in words)
            cursor.execute(
                """
                SELECT e.service_id FROM catalogue_servicesearchentry e
                WHERE e.language = %s
                  AND (setweight(to_tsvector('simple', e.title), 'A')
                       || to_tsvector('simple', e.body)) @@ to_tsquery('simple', %s)
                ORDER BY ts_rank(setweight(to_tsvector('simple', e.title), 'A')
                       || to_tsvector('simple', e.body), to_tsquery('simple', %s)) DESC,
                       e.service_id
                LIMIT %s
                """,
                [language, tsquery, tsquery, limit],
            )
        else:
            cursor.execute(
                """
                SELECT e.service_id FROM catalogue_service_fts f
                JOIN catalogue_servicesearchentry e ON e.id = f.rowid
                WHERE catalogue_service_fts MATCH %s AND e.language = %s
                ORDER BY bm25(catalogue_service_fts, 10.0, 1.0), e.service_id
                LIMIT %s
                """,
                [" ".join(f'"{w}"*' for w in words), language, limit],
            )
        ids = [row[0] for row in cursor.fetchall()]
    found = service_list().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
