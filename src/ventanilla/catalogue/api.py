"""Catalogue endpoints of /api/v1/: parse, call a selector, serialize.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_noop
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from ventanilla.catalogue import selectors
from ventanilla.catalogue.enums import Channel, EventKind
from ventanilla.catalogue.models import Event, EvidenceType, PublicService
from ventanilla.identity.models import Agency

router = Router(tags=["catalogue"])

# Summaries and descriptions are marked for translation (gettext_noop) so that the portal's
# developer page can show them in the reader's language; the OpenAPI document stays English.

Texts = dict[str, str]


class AgencyOut(Schema):
    slug: str
    name: Texts
    description: Texts
    website: str
    email: str
    phone: str
    address: str
    portal_url: str

    @staticmethod
    def resolve_portal_url(agency: Agency) -> str:
        return reverse("portal:agency", kwargs={"slug": agency.slug})


class LegalResource(Schema):
    title: Texts
    url: str = ""


class Cost(Schema):
    amount: Decimal
    currency: str


class EvidenceOut(Schema):
    slug: str
    name: Texts
    held_by: str | None = Field(None, description="Agency whose registry holds it.")

    @staticmethod
    def resolve_held_by(evidence: EvidenceType) -> str | None:
        return evidence.held_by.slug if evidence.held_by else None


class ServiceSummary(Schema):
    slug: str
    version: int
    name: Texts
    competent_agency: str
    portal_url: str

    @staticmethod
    def resolve_competent_agency(service: PublicService) -> str:
        return service.competent_agency.slug

    @staticmethod
    def resolve_portal_url(service: PublicService) -> str:
        return reverse("portal:service", kwargs={"slug": service.slug})


class ServiceOut(ServiceSummary):
    description: Texts
    eligibility: Texts
    output: Texts
    participating_agencies: list[str]
    channels: list[Channel]
    cost: Cost
    processing_days: int = Field(description="Expected processing time in working days.")
    evidence: list[EvidenceOut]
    legal_basis: list[LegalResource]
    events: list[str]

    @staticmethod
    def resolve_participating_agencies(service: PublicService) -> list[str]:
        return [agency.slug for agency in service.participating_agencies.all()]

    @staticmethod
    def resolve_cost(service: PublicService) -> Cost:
        return Cost(amount=service.cost_amount, currency=service.cost_currency)

    @staticmethod
    def resolve_evidence(service: PublicService) -> list[EvidenceType]:
        return list(service.evidence.all())

    @staticmethod
    def resolve_events(service: PublicService) -> list[str]:
        return [event.slug for event in service.events.all()]


class EventOut(Schema):
    slug: str
    kind: EventKind
    name: Texts
    description: Texts
    services: list[str] = Field(description="Service slugs in the order a person uses them.")
    portal_url: str

    @staticmethod
    def resolve_services(event: Event) -> list[str]:
        return [step.service.slug for step in event.steps.all()]

    @staticmethod
    def resolve_portal_url(event: Event) -> str:
        return reverse("portal:event", kwargs={"slug": event.slug})


class NotFoundOut(Schema):
    detail: str = Field(..., description=gettext_noop("What was not found."))


class InvalidOut(Schema):
    detail: list[dict[str, Any]] = Field(
        ..., description=gettext_noop("One item per bad parameter: where it is, and what is wrong.")
    )


SLUG = gettext_noop("The short name in its address, for example civil-registry.")


class EventFilter(Schema):
    kind: EventKind | None = Field(
        None, description=gettext_noop("Only life or only business events.")
    )


# The languages the portal ships, as an enum so that OpenAPI lists them and bad values are 422s.
Language = StrEnum(  # type: ignore[misc]
    "Language", {code.upper(): code for code, _name in settings.LANGUAGES}
)


class SearchQuery(Schema):
    q: str = Field(
        ..., min_length=1, max_length=200, description=gettext_noop("Words to look for.")
    )
    lang: Language = Field(
        Language(settings.LANGUAGE_CODE), description=gettext_noop("Language of the words.")
    )


@router.get("/agencies", response=list[AgencyOut], summary=gettext_noop("List agencies"))
@paginate(LimitOffsetPagination)
def agencies_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.agency_list()


@router.get(
    "/agencies/{slug}",
    response={200: AgencyOut, 404: NotFoundOut},
    summary=gettext_noop("Read an agency"),
)
def agency_read(request: HttpRequest, slug: PathEx[str, P(description=SLUG)]) -> Agency:
    return selectors.agency_get(slug=slug)


@router.get(
    "/life-events",
    response={200: list[EventOut], 422: InvalidOut},
    summary=gettext_noop("List life and business events"),
)
@paginate(LimitOffsetPagination)
def events_list(request: HttpRequest, filters: Query[EventFilter]):  # type: ignore[no-untyped-def]
    return selectors.event_list_with_services(kind=filters.kind)


@router.get(
    "/life-events/{slug}",
    response={200: EventOut, 404: NotFoundOut},
    summary=gettext_noop("Read a life or business event"),
)
def event_read(request: HttpRequest, slug: PathEx[str, P(description=SLUG)]) -> Event:
    return selectors.event_get(slug=slug)


@router.get(
    "/services", response=list[ServiceSummary], summary=gettext_noop("List public services")
)
@paginate(LimitOffsetPagination)
def services_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.service_list()


@router.get(
    "/services/search",
    response={200: list[ServiceSummary], 422: InvalidOut},
    summary=gettext_noop("Search public services"),
    description=gettext_noop("Matches every word, ignoring case and accents, best match first."),
)
def services_search(request: HttpRequest, params: Query[SearchQuery]) -> list[PublicService]:
    return selectors.service_search(query=params.q, language=str(params.lang.value))


@router.get(
    "/services/{slug}",
    response={200: ServiceOut, 404: NotFoundOut},
    summary=gettext_noop("Read a public service"),
)
def service_read(request: HttpRequest, slug: PathEx[str, P(description=SLUG)]) -> PublicService:
    return selectors.service_get(slug=slug)
