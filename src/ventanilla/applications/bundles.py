"""Life-event bundles: apply for several services of one event in one go.

A bundle holds one draft per service. Its pages are the services' pages in order, each
shown only if it asks something no earlier page asked (by field name), so a shared answer
(the child's name, the bank account) is asked once and copied to every draft that asks
for it. Sending sends every draft in one transaction, each opening its case at its own
agency: all of them, or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.applications.models import Application, Bundle
from ventanilla.applications.services import (
    application_answer,
    application_fee,
    application_start,
    application_submit,
)
from ventanilla.catalogue.models import Event, PublicService
from ventanilla.catalogue.selectors import transaction_spec_for
from ventanilla.catalogue.transactions import FormPage
from ventanilla.core.errors import (
    ApplicationStateError,
    NotFoundError,
    VentanillaError,
)
from ventanilla.identity.models import User


def bundle_services(*, event: Event) -> list[PublicService]:
    """The event's services that can go in a bundle: applied for online, and free (a fee
    is paid per application, on its own)."""
    services = []
    for step in event.steps.select_related("service").order_by("position"):
        service = step.service
        if service.is_active and service.applies_online and service.is_free:
            services.append(service)
    return services


@transaction.atomic
def bundle_start(*, applicant: User, event: Event, slugs: list[str]) -> Bundle:
    """A bundle of drafts for the chosen services of ``event`` (at least two)."""
    offered = {service.slug: service for service in bundle_services(event=event)}
    chosen = [offered[slug] for slug in dict.fromkeys(slugs) if slug in offered]
    if len(chosen) < 2:
        raise ApplicationStateError(_("Choose at least two services to apply for together."))
    bundle = Bundle.objects.create(applicant=applicant, event=event)
    for service in chosen:
        application = application_start(applicant=applicant, service=service)
        application.bundle = bundle
        application.save(update_fields=["bundle"])
    return bundle


@dataclass(frozen=True)
class BundleStep:
    application: Application
    page: FormPage


def bundle_steps(*, bundle: Bundle) -> list[BundleStep]:
    """The pages to show, in order: a page whose questions were all asked before is left
    out (its answers are copied from the earlier ones)."""
    asked: set[str] = set()
    steps = []
    for application in bundle_applications(bundle=bundle):
        for page in transaction_spec_for(application.definition).pages:
            names = {f.name for f in page.fields}
            if names - asked:
                steps.append(BundleStep(application=application, page=page))
            asked |= names
    return steps


def bundle_applications(*, bundle: Bundle) -> list[Application]:
    return list(
        bundle.applications.select_related("service__competent_agency", "definition").order_by("pk")
    )


@transaction.atomic
def bundle_answer(
    *, bundle: Bundle, applicant: User, step: BundleStep, answers: dict[str, Any]
) -> None:
    """Save a page's answers, and copy each one to the other drafts that ask it."""
    if bundle.applicant_id != applicant.pk:
        raise NotFoundError(_("There is no such application."))
    if bundle.submitted_at is not None:
        raise ApplicationStateError(_("This application has been sent and cannot be changed."))
    fields = {f.name for f in step.page.fields}
    for application in bundle_applications(bundle=bundle):
        own = {f.name for f in transaction_spec_for(application.definition).fields} & fields
        if own:
            application_answer(
                application=application, applicant=applicant, fields=sorted(own), answers=answers
            )


@transaction.atomic
def bundle_submit(*, bundle: Bundle, applicant: User) -> Bundle:
    """Send every application of the bundle, or none (idempotent)."""
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    if bundle.applicant_id != applicant.pk:
        raise NotFoundError(_("There is no such application."))
    if bundle.submitted_at is not None:
        return bundle
    for application in bundle_applications(bundle=bundle):
        name = application.service.local_name
        if application_fee(application=application) > 0:
            raise ApplicationStateError(
                _("%(service)s: a service with a fee is applied for on its own.")
                % {"service": name}
            )
        try:
            application_submit(application=application, applicant=applicant)
        except VentanillaError as exc:  # say which service, and send none of them
            raise ApplicationStateError(f"{name}: {exc.message}") from exc
    bundle.submitted_at = timezone.now()
    bundle.save(update_fields=["submitted_at", "updated_at"])
    return bundle


def bundle_get_for_applicant(*, applicant: User, public_id: str) -> Bundle:
    try:
        return Bundle.objects.select_related("event").get(public_id=public_id, applicant=applicant)
    except (Bundle.DoesNotExist, ValueError):
        raise NotFoundError(_("There is no such application.")) from None


@dataclass(frozen=True)
class BundleTimelineEntry:
    at: Any
    title: str
    detail: str
    service: str
    agency: str
    ledger_index: int | None = None


def bundle_timeline(*, bundle: Bundle) -> list[BundleTimelineEntry]:
    """One timeline across the bundle's agencies, newest first."""
    from ventanilla.applications.selectors import application_summary, application_timeline

    entries: list[BundleTimelineEntry] = []
    for application in bundle_applications(bundle=bundle):
        case = application_summary(application=application).case
        if case is None:
            continue
        entries.extend(
            BundleTimelineEntry(
                at=entry.at,
                title=entry.title,
                detail=entry.detail,
                service=application.service.local_name,
                agency=application.service.competent_agency.local_name,
                ledger_index=entry.ledger_index,
            )
            for entry in application_timeline(application=application, case=case)
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)
