"""Life-event bundles: apply for several services of one event in one go.

A bundle holds one draft per service. Its pages are the services' pages in order, each
shown only if it asks something no earlier page asked (by field name), so a shared answer
(the child's name, the bank account) is asked once and copied to every draft that asks
for it. Sending sends every draft in one transaction, each opening its case at its own
agency: all of them, or none.

A service with a fee keeps its own payment, under its application's reference:
``bundle_pay`` takes each fee still due with ``application_pay`` (one card, one payment
per application), then sends the bundle. A card declined part-way sends nothing and
leaves the fees already taken with their drafts; a retry charges only what is still due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ventanilla.applications.models import Application, Bundle
from ventanilla.applications.selectors import (
    EvidenceRow,
    PrefillRow,
    PrefillSummary,
    application_prefill_summary,
)
from ventanilla.applications.services import (
    application_answer,
    application_check,
    application_draft_create,
    application_evidence_fetch,
    application_fee,
    application_pay,
    application_prefill_confirm,
    application_submit,
    payment_reference,
)
from ventanilla.catalogue.models import Event, PublicService
from ventanilla.catalogue.selectors import transaction_spec_for
from ventanilla.catalogue.transactions import FormPage
from ventanilla.core.errors import (
    ApplicationStateError,
    NotFoundError,
    PaymentRequiredError,
    VentanillaError,
)
from ventanilla.identity.models import User
from ventanilla.payments.models import Payment
from ventanilla.payments.selectors import payment_captured_for_reference


def bundle_services(*, event: Event) -> list[PublicService]:
    """The event's services that can go in a bundle: those applied for online."""
    services = []
    for step in event.steps.select_related("service__competent_agency").order_by("position"):
        service = step.service
        if service.is_active and service.applies_online:
            services.append(service)
    return services


def bundle_start(*, applicant: User, event: Event, slugs: list[str]) -> Bundle:
    """A bundle of drafts for the chosen services of ``event`` (at least two), each
    pre-filled through the mediator as ``application_start`` does. The bundle and its
    drafts are made in one transaction, then each draft fetches its evidence (outside
    it, as the mediator's logged look-ups must be)."""
    offered = {service.slug: service for service in bundle_services(event=event)}
    chosen = [offered[slug] for slug in dict.fromkeys(slugs) if slug in offered]
    if len(chosen) < 2:
        raise ApplicationStateError(_("Choose at least two services to apply for together."))
    with transaction.atomic():
        bundle = Bundle.objects.create(applicant=applicant, event=event)
        drafts = [
            application_draft_create(applicant=applicant, service=service, bundle=bundle)
            for service in chosen
        ]
    for draft in drafts:
        application_evidence_fetch(application=draft, applicant=applicant)
    return bundle


def bundle_prefill_summary(*, bundle: Bundle) -> PrefillSummary:
    """What the registries gave the bundle's drafts through the mediator; a question that
    several drafts ask shows once, as the first of them has it."""
    evidence: list[EvidenceRow] = []
    prefilled: list[PrefillRow] = []
    missing: list[tuple[str, EvidenceRow]] = []
    unchecked = False
    for application in bundle_applications(bundle=bundle):
        summary = application_prefill_summary(application=application)
        shown = {(row.service_code, row.fetched, row.reason) for row in evidence}
        evidence += [
            row
            for row in summary.evidence
            if (row.service_code, row.fetched, row.reason) not in shown
        ]
        names = {row.name for row in prefilled}
        prefilled += [row for row in summary.prefilled if row.name not in names]
        missing += [item for item in summary.missing if item not in missing]
        unchecked = unchecked or summary.rules_unchecked
    labels = {row.label for row in prefilled}
    return PrefillSummary(
        evidence=evidence,
        prefilled=prefilled,
        missing=[item for item in missing if item[0] not in labels],
        rules_unchecked=unchecked,
    )


def bundle_evidence_fetch(*, bundle: Bundle, applicant: User) -> None:
    """Ask again, for each draft, what its registries did not answer (outside a
    transaction, as ``application_evidence_fetch``)."""
    bundle = bundle_get_for_applicant(applicant=applicant, public_id=str(bundle.public_id))
    for application in bundle_applications(bundle=bundle):
        application_evidence_fetch(application=application, applicant=applicant)


@transaction.atomic
def bundle_prefill_confirm(
    *, bundle: Bundle, applicant: User, answers: dict[str, Any] | None = None
) -> None:
    """The applicant confirms what the registries gave every draft, correcting any value
    in ``answers`` (each draft that was given a question gets its corrected answer)."""
    bundle = bundle_get_for_applicant(applicant=applicant, public_id=str(bundle.public_id))
    if bundle.submitted_at is not None:
        raise ApplicationStateError(_("This application has been sent and cannot be changed."))
    for application in bundle_applications(bundle=bundle):
        application_prefill_confirm(
            application=application,
            applicant=applicant,
            answers=None
            if answers is None
            else {name: answers.get(name) for name in application.prefilled},
        )


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
    """Send every application of the bundle, or none (idempotent).

    Every draft's answers are checked first, then every fee (``PaymentRequiredError``,
    naming the service, while one is unpaid), and only then is anything sent.
    """
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    if bundle.applicant_id != applicant.pk:
        raise NotFoundError(_("There is no such application."))
    if bundle.submitted_at is not None:
        return bundle
    applications = bundle_applications(bundle=bundle)
    _check_all(applications, applicant)
    for fee in bundle_fees(bundle=bundle).rows:
        if fee.due:
            raise PaymentRequiredError(
                _("%(service)s: pay its fee of %(amount)s before you send your applications.")
                % {"service": fee.application.service.local_name, "amount": fee.amount_text},
                field="payment",
            )
    for application in applications:
        try:
            application_submit(application=application, applicant=applicant)
        except VentanillaError as exc:  # say which service, and send none of them
            raise ApplicationStateError(f"{application.service.local_name}: {exc.message}") from exc
    bundle.submitted_at = timezone.now()
    bundle.save(update_fields=["submitted_at", "updated_at"])
    return bundle


def _check_all(applications: list[Application], applicant: User) -> None:
    """Every draft could be sent, answers and eligibility (fees aside); else the first
    problem, naming its service."""
    for application in applications:
        try:
            application_check(application=application, applicant=applicant)
        except VentanillaError as exc:
            raise ApplicationStateError(f"{application.service.local_name}: {exc.message}") from exc


def bundle_pay(*, bundle: Bundle, applicant: User, card_number: str, attempt: str) -> Bundle:
    """Pay every fee of the bundle still due with one card, then send the bundle.

    Every draft is checked before anything is charged, so nobody pays for a bundle that
    would be refused. Each fee is its own payment, taken by ``application_pay`` under its
    application's reference (``attempt`` identifies this try: a double click is charged
    once). A decline or a timeout part-way raises as ``application_pay`` does: the fees
    taken before it stay captured with their drafts, nothing is sent, and a retry charges
    only what is still due. Runs outside any transaction, as ``application_pay`` must;
    the sending is one transaction (``bundle_submit``).
    """
    bundle = bundle_get_for_applicant(applicant=applicant, public_id=str(bundle.public_id))
    if bundle.submitted_at is not None:
        return bundle
    _check_all(bundle_applications(bundle=bundle), applicant)
    for fee in bundle_fees(bundle=bundle).rows:
        if fee.due:
            application_pay(
                application=fee.application,
                applicant=applicant,
                card_number=card_number,
                attempt=attempt,
            )
    return bundle_submit(bundle=bundle, applicant=applicant)


def bundle_get_for_applicant(*, applicant: User, public_id: str) -> Bundle:
    try:
        return Bundle.objects.select_related("event").get(public_id=public_id, applicant=applicant)
    except (Bundle.DoesNotExist, ValueError):
        raise NotFoundError(_("There is no such application.")) from None


@dataclass(frozen=True)
class BundleFee:
    """One application's fee: ``amount`` 0 when free, None when the answers so far do not
    say it yet; ``payment`` the captured payment, once paid."""

    application: Application
    amount: Decimal | None
    currency: str
    payment: Payment | None

    @property
    def due(self) -> bool:
        return bool(self.amount) and self.payment is None

    @property
    def amount_text(self) -> str:
        return money_text([(self.amount or Decimal(0), self.currency)])


@dataclass(frozen=True)
class BundleFees:
    """Each application's fee, and the sums (one per currency): all, paid, still due."""

    rows: list[BundleFee]
    total: list[tuple[Decimal, str]]
    paid: list[tuple[Decimal, str]]
    due: list[tuple[Decimal, str]]

    @property
    def any_fee(self) -> bool:
        """Whether a service of the bundle charges a fee (for these answers or others)."""
        return any(fee.currency for fee in self.rows)

    @property
    def total_text(self) -> str:
        return money_text(self.total)

    @property
    def paid_text(self) -> str:
        return money_text(self.paid)

    @property
    def due_text(self) -> str:
        return money_text(self.due)


def bundle_fees(*, bundle: Bundle) -> BundleFees:
    """What the bundle costs, service by service, and what is paid and still due."""
    rows = []
    for application in bundle_applications(bundle=bundle):
        fee = transaction_spec_for(application.definition).fee
        if fee is None:
            rows.append(BundleFee(application, Decimal(0), "", None))
            continue
        try:
            amount: Decimal | None = application_fee(application=application)
        except ApplicationStateError:  # not answered enough yet to say
            amount = None
        payment = payment_captured_for_reference(reference=payment_reference(application))
        rows.append(BundleFee(application, amount, fee.currency, payment))
    return BundleFees(
        rows=rows,
        total=_sums((fee.amount, fee.currency) for fee in rows if fee.amount),
        paid=_sums((p.amount, p.currency) for fee in rows if (p := fee.payment)),
        due=_sums((fee.amount, fee.currency) for fee in rows if fee.due and fee.amount),
    )


def _sums(amounts: Iterable[tuple[Decimal, str]]) -> list[tuple[Decimal, str]]:
    sums: dict[str, Decimal] = {}
    for amount, currency in amounts:
        sums[currency] = sums.get(currency, Decimal(0)) + amount
    return [(amount, currency) for currency, amount in sums.items()]


def money_text(amounts: list[tuple[Decimal, str]]) -> str:
    """Sums of money as a person reads them in the active language: "15.00 DMD"."""
    return " + ".join(
        f"{formats.number_format(amount, 2)} {currency}" for amount, currency in amounts
    )


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
