"""Every write to an application: start a draft, answer a page, submit."""

from __future__ import annotations

import hashlib
import logging
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ventanilla.applications.answers import answers_errors, rule_data
from ventanilla.applications.enums import ApplicationStatus
from ventanilla.applications.models import (
    Application,
    Bundle,
    Evidence,
    Upload,
    uploads_storage,
)
from ventanilla.casework.models import Case
from ventanilla.casework.services import case_open
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import (
    service_definition_current,
    transaction_spec_for,
    working_calendar,
)
from ventanilla.catalogue.transactions import (
    PERSON_SERVICE,
    TransactionSpec,
    workflow_days_to_decision,
)
from ventanilla.core.calendar import WorkingCalendar
from ventanilla.core.errors import (
    AnswersInvalidError,
    ApplicationStateError,
    EligibilityError,
    ExchangeError,
    NotFoundError,
    PaymentRequiredError,
    RuleEvaluationError,
    UploadRefusedError,
    ValidationError,
)
from ventanilla.core.i18n import localized
from ventanilla.core.sequences import sequence_next
from ventanilla.exchange.enums import APPLICATIONS_SUBSYSTEM, NOT_CONNECTED, OWN_APPLICATION
from ventanilla.exchange.selectors import applications_client_for_agency
from ventanilla.exchange.services import exchange_call
from ventanilla.identity.models import User
from ventanilla.notifications.enums import Kind
from ventanilla.notifications.selectors import email_verified
from ventanilla.notifications.services import notification_send
from ventanilla.payments.models import Payment
from ventanilla.payments.selectors import payment_captured_for_reference
from ventanilla.payments.services import payment_take
from ventanilla.payments.tasks import refund_for_reference
from ventanilla.registries.selectors import person_for_user

logger = logging.getLogger(__name__)
IDEMPOTENCY_KEY_MAX = 100
API_NAMESPACE = uuid.UUID("5b0b7a53-6b1e-4a5e-9a57-7e3b0c1d2f40")  # API applications' ids
NO_REGISTRY_RECORD = gettext_lazy(
    "To apply, sign in with an account linked to the population registry "
    "(one you created with your national id number)."
)


def application_start(
    *, applicant: User, service: PublicService, idempotency_key: str = ""
) -> Application:
    """A new draft for ``service``, with what the registries know already filled in.

    The draft is saved first: the person's own application is the legal basis the
    mediator checks before it fetches their data (``application_evidence_fetch``). A
    registry that cannot be asked, refuses or fails leaves its fields empty for the
    applicant to type. Runs outside a transaction: each look-up is logged in its own.
    """
    application = application_draft_create(
        applicant=applicant, service=service, idempotency_key=idempotency_key
    )
    return application_evidence_fetch(application=application, applicant=applicant)


def application_draft_create(
    *,
    applicant: User,
    service: PublicService,
    bundle: Bundle | None = None,
    idempotency_key: str = "",
) -> Application:
    """An empty draft, not pre-filled yet: its caller fetches its evidence next
    (``application_evidence_fetch``), once the draft is committed."""
    if not (service.is_active and service.applies_online):
        raise ApplicationStateError(_("This service cannot be applied for online."))
    if person_for_user(user=applicant) is None:
        raise ApplicationStateError(str(NO_REGISTRY_RECORD))
    return Application.objects.create(
        applicant=applicant,
        service=service,
        definition=service.definitions.get(version=service.version),
        answers={},
        bundle=bundle,
        idempotency_key=idempotency_key or None,
    )


def application_evidence_fetch(*, application: Application, applicant: User) -> Application:
    """Fetch, through the mediator, each data service the application's service needs
    about its applicant that has not answered yet (for a new draft, all of them), and
    fill in each pre-filled question still unanswered from the answer.

    Each look-up is asked by the competent agency's applications system, for the
    purpose ``own-application``, naming this draft as its legal basis, so it is logged
    and listed in the applicant's data tracker. A data service that is refused or fails
    fills in nothing (never part of its answer) and keeps its reason
    (``Evidence.reason``). Runs outside a transaction: each look-up is logged in its own.
    """
    application = _get_for_applicant(application.pk, applicant)
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationStateError(_("This application has been sent and cannot be changed."))
    spec = transaction_spec_for(application.definition)
    have = {e.service_code: e for e in application.evidence.all()}
    wanted = [code for code in spec.evidence if code not in have or have[code].data is None]
    if not wanted:
        return application
    return _prefill(application, applicant, spec, fetched=_look_up(application, applicant, wanted))


# What one data service gave an application: its code, the logged call, the answer (None
# if it did not answer) and the reason it did not.
Fetched = tuple[str, int | None, dict[str, Any] | None, str]


def _look_up(application: Application, applicant: User, wanted: list[str]) -> list[Fetched]:
    """Ask the mediator for each of ``wanted`` about the applicant, for the draft
    ``application`` (committed: it is the legal basis). Outside a transaction."""
    client = applications_client_for_agency(agency_id=application.service.competent_agency_id)
    fetched: list[Fetched] = []
    for code in wanted:
        data: dict[str, Any] | None = None
        call_id: int | None = None
        reason = NOT_CONNECTED
        if client is not None and applicant.national_id:
            try:
                result = exchange_call(
                    client=client,
                    service_code=code,
                    national_id=applicant.national_id,
                    purpose=OWN_APPLICATION,
                    case_reference=application.reference or "",
                    application=str(application.public_id),
                )
            except ExchangeError as error:
                reason, call_id = error.reason, error.call_id
            except NotFoundError:  # no such data service on this node
                logger.warning("no data service %s for %s", code, application.service.slug)
            else:
                data, call_id, reason = result.data, result.call.pk, ""
        else:
            logger.warning(
                "%s has no %s system in the exchange: nothing is pre-filled",
                application.service.competent_agency.slug,
                APPLICATIONS_SUBSYSTEM,
            )
        fetched.append((code, call_id, data, reason))
    return fetched


@transaction.atomic
def _prefill(
    application: Application,
    applicant: User,
    spec: TransactionSpec,
    *,
    fetched: list[Fetched],
) -> Application:
    """Keep what each data service answered (``fetched``: code, call, data, reason),
    fill in each pre-filled question not answered yet from it, and keep the value each
    had as fetched (to tell a correction from a confirmation). One transaction."""
    application = _draft_for_update(application, applicant)
    now = timezone.now()
    for code, call_id, data, reason in fetched:
        Evidence.objects.update_or_create(
            application=application,
            service_code=code,
            defaults={"call_id": call_id, "data": data, "reason": reason, "fetched_at": now},
        )
    answers, prefilled = _prefilled(spec, application, _records(application))
    if (answers, prefilled) != (application.answers, application.prefilled):
        application.answers, application.prefilled = answers, prefilled
        application.save(update_fields=["answers", "prefilled", "updated_at"])
    return application


def _prefilled(
    spec: TransactionSpec, application: Application, records: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The application's answers and pre-filled values once each pre-filled question not
    answered yet is filled in from ``records`` (what each data service answered)."""
    answers, prefilled = dict(application.answers), dict(application.prefilled)
    for field in spec.prefilled:
        service, name = field.prefill_from
        value = (records.get(service) or {}).get(name)
        if value in (None, "", []) or field.name in prefilled:
            continue
        prefilled[field.name] = value
        answers.setdefault(field.name, value)
    return answers, prefilled


def _records(application: Application) -> dict[str, dict[str, Any]]:
    """What each data service answered for the application (those that answered)."""
    if application.pk is None:
        return {}
    return {
        code: data
        for code, data in application.evidence.values_list("service_code", "data")
        if data is not None
    }


@transaction.atomic
def application_prefill_confirm(
    *, application: Application, applicant: User, answers: dict[str, Any] | None = None
) -> Application:
    """The applicant has seen what the registries gave and confirms it, correcting any
    value in ``answers`` (pre-filled questions only). A corrected value is checked like
    any answer; it is kept, and the case officer is told it differs from the registry's
    (``Application.prefilled`` keeps the value as fetched)."""
    application = _draft_for_update(application, applicant)
    if answers is not None:
        fields = list(application.prefilled)
        unknown = set(answers) - set(fields)
        if unknown:
            raise AnswersInvalidError(
                _("“%(name)s” was not filled in from a registry.") % {"name": sorted(unknown)[0]}
            )
        application = application_answer(
            application=application, applicant=applicant, fields=fields, answers=answers
        )
    application.prefill_confirmed_at = timezone.now()
    application.save(update_fields=["prefill_confirmed_at", "updated_at"])
    return application


@transaction.atomic
def application_answer(
    *, application: Application, applicant: User, fields: list[str], answers: dict[str, Any]
) -> Application:
    """Save the answers to ``fields`` (one page); a field left out of ``answers`` is cleared.

    Each answer is checked against the service's form schema; nothing is saved if one
    is wrong (``AnswersInvalidError`` names every wrong field).
    """
    application = _draft_for_update(application, applicant)
    spec = transaction_spec_for(application.definition)
    unknown = set(fields) - {f.name for f in spec.fields}
    if unknown:
        raise AnswersInvalidError(
            _("This form has no question “%(name)s”.") % {"name": sorted(unknown)[0]}
        )
    merged = {k: v for k, v in application.answers.items() if k not in fields}
    merged.update({k: v for k, v in answers.items() if k in fields and v not in (None, "", [])})
    errors = answers_errors(spec, merged, only=fields)
    if errors:
        raise AnswersInvalidError(next(iter(errors.values())), errors=errors)
    application.answers = merged
    application.save(update_fields=["answers", "updated_at"])
    return application


# The first bytes of each accepted type: what a file is comes from its content, never from
# its name or the browser's word for it.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}


def upload_content_type(head: bytes) -> str:
    """The accepted type ``head`` (a file's first bytes) starts like, or ""."""
    for content_type, prefixes in SIGNATURES.items():
        if head.startswith(prefixes):
            return content_type
    return ""


def application_upload(
    *, application: Application, applicant: User, slug: str, file: UploadedFile
) -> Upload:
    """Attach ``file`` as the application's ``slug`` evidence, replacing an earlier one.

    The type is read from the file's first bytes and the size checked against the
    service's limits; a refused file (``UploadRefusedError``) or a ``slug`` the service
    does not ask for (``ValidationError``) changes nothing. The file is stored under a
    random name in the private "uploads" storage, never where the web serves files.
    """
    application = _get_for_applicant(application.pk, applicant)
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationStateError(_("This application has been sent and cannot be changed."))
    spec = transaction_spec_for(application.definition)
    upload = next((u for u in spec.uploads if u.slug == slug), None)
    if upload is None:
        raise ValidationError(_("This form asks for no such file."), field=slug)
    label = localized(upload.label)
    if not file.size:
        raise UploadRefusedError(
            _("“%(label)s”: the file is empty.") % {"label": label}, field=slug
        )
    if file.size > upload.max_bytes:
        raise UploadRefusedError(
            _("“%(label)s” must be smaller than %(size)s.")
            % {"label": label, "size": filesizeformat(upload.max_bytes)},
            field=slug,
        )
    file.seek(0)
    content_type = upload_content_type(file.read(16))
    if content_type not in upload.types:
        raise UploadRefusedError(
            _("“%(label)s” must be a %(types)s file.")
            % {"label": label, "types": _(" or ").join(TYPE_NAMES[t] for t in upload.types)},
            field=slug,
        )
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    stored = Upload(
        application=application,
        slug=slug,
        name=(file.name or slug)[:200],
        content_type=content_type,
        size=file.size,
        sha256=digest.hexdigest(),
        uploaded_at=timezone.now(),
    )
    stored.file.save(slug, file, save=False)
    try:
        with transaction.atomic():
            previous = list(Upload.objects.filter(application=application, slug=slug))
            Upload.objects.filter(pk__in=[p.pk for p in previous]).delete()
            stored.save()
    except Exception:
        stored.file.delete(save=False)  # nothing half-written: no file without its row
        raise
    _files_delete([old.file.name for old in previous])
    return stored


def _files_delete(names: list[str]) -> None:
    """Delete stored evidence files whose rows are gone. A file that cannot be deleted
    (the object store is down) is logged, not raised: the change that dropped it stands."""
    for name in names:
        try:
            uploads_storage.delete(name)
        except Exception:
            logger.exception("could not delete the upload %s: delete it by hand", name)


def payment_reference(application: Application) -> str:
    """What the application's fee payment is recorded under (known before it is sent)."""
    return f"application:{application.public_id}"


def application_fee(
    *, application: Application, records: dict[str, dict[str, Any]] | None = None
) -> Decimal:
    """The fee for these answers (0 when the service is free). ``records``: what the
    data services answered for it, when the caller has them in hand."""
    spec = transaction_spec_for(application.definition)
    if spec.fee is None:
        return Decimal("0.00")
    record = (_records(application) if records is None else records).get(PERSON_SERVICE)
    try:
        return spec.fee.for_answers(rule_data(record, application.answers))
    except RuleEvaluationError:
        logger.exception("fee rule failed for service %s", application.service.slug)
        raise ApplicationStateError(
            _("We could not work out the fee. Check your answers, or try again later.")
        ) from None


def application_pay(
    *, application: Application, applicant: User, card_number: str, attempt: str
) -> Payment:
    """Pay the application's fee, after checking it could be sent, so nobody pays for an
    application that would then be refused. ``attempt`` identifies this try (a double
    click repeats it and is charged once). Runs outside any transaction: the payment is
    recorded before and after the provider is asked."""
    application = _get_for_applicant(application.pk, applicant)
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationStateError(_("This application has been sent and cannot be changed."))
    spec = transaction_spec_for(application.definition)
    _check(spec, application, complete=True)
    fee = application_fee(application=application)
    if fee <= 0 or spec.fee is None:
        raise ApplicationStateError(_("This application has no fee to pay."))
    paid = _captured(spec, application, fee)
    if paid is not None:  # paid already, under any attempt: never charged again
        return paid
    return payment_take(
        payer=applicant,
        reference=payment_reference(application),
        description=f"{application.service.local_name}",
        amount=fee,
        currency=spec.fee.currency,
        card_number=card_number,
        idempotency_key=f"application:{application.public_id}:{attempt}"[:100],
    )


def _paid(
    spec: TransactionSpec,
    application: Application,
    records: dict[str, dict[str, Any]] | None = None,
) -> None:
    """A service with a fee is sent only once its fee is captured, in full."""
    if spec.fee is None:
        return
    fee = application_fee(application=application, records=records)
    if fee <= 0:
        return
    if _captured(spec, application, fee) is None:
        raise PaymentRequiredError(
            _("Pay the fee of %(amount)s %(currency)s before you send the application.")
            % {"amount": formats.number_format(fee, 2), "currency": spec.fee.currency},
            field="payment",
        )


def _captured(spec: TransactionSpec, application: Application, fee: Decimal) -> Payment | None:
    """The payment captured for the application's ``fee``, or None if it is unpaid; a
    payment of another amount (the answers changed the fee since) is refused."""
    payment = payment_captured_for_reference(reference=payment_reference(application))
    if payment is None:
        return None
    if spec.fee is None or payment.amount != fee or payment.currency != spec.fee.currency:
        raise PaymentRequiredError(
            _(
                "Your answers changed the fee after you paid. Contact the agency: you "
                "will not be charged twice."
            ),
            field="payment",
        )
    return payment


@transaction.atomic
def application_submit(*, application: Application, applicant: User) -> Application:
    """Send the application: checked, given a reference and a date, and a case opened.

    Idempotent: submitting an application that was already sent returns it unchanged, so
    a double click or a retried request makes exactly one. The first write claims the
    draft (a conditional update), so of two concurrent submissions one does the work and
    the other finds it done. Any failure rolls everything back: a complete application
    or none.
    """
    claimed = Application.objects.filter(
        pk=application.pk, applicant=applicant, status=ApplicationStatus.DRAFT
    ).update(status=ApplicationStatus.SUBMITTED)
    application = _get_for_applicant(application.pk, applicant)
    if not claimed:
        return application  # already sent
    spec = transaction_spec_for(application.definition)
    _check(spec, application, complete=True)
    _paid(spec, application)
    _send(application, applicant)
    return application


def application_check(*, application: Application, applicant: User) -> None:
    """Raise what sending the draft would raise about its answers, files and eligibility
    (its fee aside), without changing anything."""
    application = _get_for_applicant(application.pk, applicant)
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationStateError(_("This application has been sent and cannot be changed."))
    spec = transaction_spec_for(application.definition)
    _check(spec, application, complete=True)


def _check(
    spec: TransactionSpec,
    application: Application,
    *,
    complete: bool,
    records: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Every answer right (``complete``: none missing either) and the applicant eligible.

    A rule that reads ``person`` when the registry's record could not be fetched is not
    checked here: the case officer sees that it was not (``Evidence.reason``) and
    checks it, rather than the applicant being stopped for the mediator's failure."""
    errors = answers_errors(spec, application.answers)
    if complete and spec.uploads:
        attached = (
            set(application.uploads.values_list("slug", flat=True)) if application.pk else set()
        )
        for upload in spec.uploads:
            if upload.required and upload.slug not in attached:
                errors[upload.slug] = _("Attach “%(label)s”.") % {"label": localized(upload.label)}
    if errors:
        message = (
            _("Some answers are missing or wrong. Check them before you send.")
            if complete
            else next(iter(errors.values()))
        )
        raise AnswersInvalidError(message, errors=errors)
    record = (_records(application) if records is None else records).get(PERSON_SERVICE)
    data = rule_data(record, application.answers)
    for eligibility in spec.eligibility:
        try:
            eligible = eligibility.rule.is_true(data)
        except RuleEvaluationError:
            if record is None and PERSON_SERVICE in spec.evidence:
                continue
            logger.exception("eligibility rule failed for service %s", application.service.slug)
            raise EligibilityError(
                _("We could not check whether you can apply. Try again later.")
            ) from None
        if not eligible:
            raise EligibilityError(localized(eligibility.reason))


def _send(
    application: Application,
    applicant: User,
    *,
    calendar: WorkingCalendar | None = None,
    verified: bool | None = None,
) -> Case:
    """Give a checked application its reference and the date a decision is expected by
    (from the workflow's deadlines: ``workflow_days_to_decision``), save it as sent, open
    the agency's case and tell the applicant (after commit). Runs in the caller's
    transaction, which does nothing slow: the checks ran before it, and a caller that
    read the ``calendar`` and whether the applicant's address is ``verified`` before
    its transaction keeps those reads out of it too (SQLite has one writer at a time)."""
    now = timezone.now()
    today = timezone.localdate(now)
    application.status = ApplicationStatus.SUBMITTED
    application.reference = _reference_next(today.year)
    application.submitted_at = now
    calendar = calendar or working_calendar()
    days = workflow_days_to_decision(transaction_spec_for(application.definition).workflow)
    application.decision_expected_by = calendar.add_working_days(
        today, application.service.processing_days if days is None else days
    )
    application.save()
    case = case_open(
        payment_reference=payment_reference(application),
        calendar=calendar,
        reference=application.reference,
        agency=application.service.competent_agency,
        service=application.service,
        definition=application.definition,
        applicant=applicant,
        answers=application.answers,
    )
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if applicant.language != language:
        applicant.language = language
        applicant.save(update_fields=["language"])
    with translation.override(language):
        notification_send(
            recipient=applicant,
            kind=Kind.APPLICATION_RECEIVED,
            language=language,
            context={
                "reference": application.reference,
                "service": application.service.local_name,
                "agency": application.service.competent_agency.local_name,
                "expected": formats.date_format(application.decision_expected_by, "DATE_FORMAT"),
            },
            link=reverse("applications:detail", args=[application.public_id]),
            reference=application.reference,
            verified=verified,
        )
    return case


def application_file(
    *,
    applicant: User,
    service: PublicService,
    answers: dict[str, Any],
    idempotency_key: str = "",
    submit: bool = True,
    card_number: str = "",
    channel: Channel = Channel.API,
) -> tuple[Application, Case | None, bool]:
    """Make an application from all its answers in one call, and send it (the API).

    Returns ``(application, its case if sent now, created)``. With an ``idempotency_key``,
    a retry of the same request returns the application the first one made (``created``
    False), even when the two arrive at once. All or nothing: if an answer is wrong or the
    applicant is not eligible, no application is left behind. Everything is checked
    before the one short transaction that writes the application, its case and its
    notification.

    A service that needs registry data saves the application as a draft first, since
    the mediator fetches only for an application of the person's that exists (the
    look-ups stay logged if it is then refused and deleted); a retry that arrives
    meanwhile gets that draft as it is.
    """
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError(
            _("The Idempotency-Key must be %(count)s characters or fewer.")
            % {"count": IDEMPOTENCY_KEY_MAX},
            field="Idempotency-Key",
        )
    if idempotency_key:  # a retry: the first request's answer (an index look-up)
        existing = _by_idempotency_key(applicant, service, idempotency_key)
        if existing is not None:
            return existing, None, False
    if not (service.is_active and service.applies_online):
        raise ApplicationStateError(_("This service cannot be applied for online."))
    if person_for_user(user=applicant) is None:
        raise ApplicationStateError(str(NO_REGISTRY_RECORD))
    definition = service_definition_current(service=service)
    spec = transaction_spec_for(definition)
    unknown = sorted(set(answers) - {f.name for f in spec.fields})
    if unknown:
        raise AnswersInvalidError(
            _("This form has no question “%(name)s”.") % {"name": unknown[0]},
            field=unknown[0],
        )
    application = Application(
        applicant=applicant,
        service=service,
        definition=definition,
        answers={k: v for k, v in answers.items() if v not in (None, "", [])},
        channel=channel,
        idempotency_key=idempotency_key or None,
    )
    if idempotency_key:
        # The same request always names the same application, so that a retry after a
        # crash between paying and saving finds its payment.
        application.public_id = uuid.uuid5(API_NAMESPACE, f"{applicant.pk}:{idempotency_key}")
    if not spec.evidence:
        return _file(spec, application, applicant, submit=submit, card_number=card_number)
    # Saved as a draft first: the mediator fetches the applicant's data only for an
    # application of theirs that exists. If anything fails after, the draft goes again.
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # the same key, sent twice at once: the other one won
        existing = _by_idempotency_key(applicant, service, idempotency_key)
        if existing is None or not idempotency_key:
            raise
        return existing, None, False
    try:
        fetched = _look_up(application, applicant, list(spec.evidence))
        records = {code: data for code, _, data, _ in fetched if data is not None}
        application.answers, application.prefilled = _prefilled(spec, application, records)
        return _file(
            spec,
            application,
            applicant,
            submit=submit,
            card_number=card_number,
            fetched=fetched,
        )
    except BaseException:
        Application.objects.filter(pk=application.pk, status=ApplicationStatus.DRAFT).delete()
        raise


def _file(
    spec: TransactionSpec,
    application: Application,
    applicant: User,
    *,
    submit: bool,
    card_number: str,
    fetched: list[Fetched] | None = None,
) -> tuple[Application, Case | None, bool]:
    """``application_file`` once the application has its evidence: check, pay, send.

    ``fetched``: what the data services answered for the application, saved as a draft
    before its look-ups; its evidence is kept in the transaction that sends it."""
    records = (
        None
        if fetched is None
        else {code: data for code, _, data, _ in fetched if data is not None}
    )
    if submit:
        _check(spec, application, complete=True, records=records)
        fee = application_fee(application=application, records=records)
        if fee > 0 and spec.fee is not None:
            if not card_number.strip():
                raise PaymentRequiredError(
                    _("This service costs %(amount)s %(currency)s: send a card number to pay.")
                    % {"amount": formats.number_format(fee, 2), "currency": spec.fee.currency},
                    field="payment.card_number",
                )
            payment_take(
                payer=applicant,
                reference=payment_reference(application),
                description=application.service.local_name,
                amount=fee,
                currency=spec.fee.currency,
                card_number=card_number,
                idempotency_key=f"application:{application.public_id}:api",
            )
    else:
        errors = answers_errors(spec, application.answers, only=list(application.answers))
        if errors:
            raise AnswersInvalidError(next(iter(errors.values())), errors=errors)
    case = None
    calendar, verified = (
        (working_calendar(), email_verified(user=applicant)) if submit else (None, None)
    )
    try:
        with transaction.atomic():
            if fetched is not None:
                _evidence_keep(application, fetched)
            if submit:
                _paid(spec, application, records)
                case = _send(application, applicant, calendar=calendar, verified=verified)
            else:
                application.save()
    except IntegrityError:  # the same key, sent twice at once: the other one won
        key = application.idempotency_key or ""
        existing = _by_idempotency_key(applicant, application.service, key)
        if existing is None or not key:
            raise
        return existing, None, False
    return application, case, True


def _evidence_keep(draft: Application, fetched: list[Fetched]) -> None:
    """Keep what each data service answered for ``draft``, which must still be a draft
    (its applicant could have sent or deleted it meanwhile). In the caller's transaction."""
    now = timezone.now()
    still_draft = Application.objects.filter(pk=draft.pk, status=ApplicationStatus.DRAFT).update(
        updated_at=now
    )
    if not still_draft:
        raise ApplicationStateError(_("This application has been sent and cannot be changed."))
    Evidence.objects.bulk_create(
        Evidence(
            application=draft,
            service_code=code,
            call_id=call_id,
            data=data,
            reason=reason,
            fetched_at=now,
        )
        for code, call_id, data, reason in fetched
    )


def _by_idempotency_key(applicant: User, service: PublicService, key: str) -> Application | None:
    try:
        existing = Application.objects.get(applicant=applicant, idempotency_key=key)
    except Application.DoesNotExist:
        return None
    if existing.service_id != service.pk:
        raise ValidationError(
            _("This Idempotency-Key was already used for another service."),
            field="Idempotency-Key",
        )
    return existing


@transaction.atomic
def application_delete_draft(*, application: Application, applicant: User) -> None:
    """Throw a draft away with its files, which go once that is committed (a sent
    application is the agency's record and stays). A fee already paid for it is refunded
    by the worker: nobody pays for an application that is never sent."""
    draft = _draft_for_update(application, applicant)
    names = list(draft.uploads.values_list("file", flat=True))
    reference = payment_reference(draft)
    paid = payment_captured_for_reference(reference=reference) is not None
    draft.delete()
    transaction.on_commit(lambda: _files_delete(names))
    if paid:
        transaction.on_commit(
            lambda: refund_for_reference.enqueue(reference, "draft deleted before it was sent")
        )


def _get_for_applicant(pk: int, applicant: User) -> Application:
    try:
        return Application.objects.select_related("service__competent_agency", "definition").get(
            pk=pk, applicant=applicant
        )
    except Application.DoesNotExist:
        raise NotFoundError(_("There is no such application.")) from None


def _draft_for_update(application: Application, applicant: User) -> Application:
    try:
        current = (
            Application.objects.select_for_update(of=("self",))  # not the service's rows
            .select_related("definition", "service__competent_agency")
            .get(pk=application.pk, applicant=applicant)
        )
    except Application.DoesNotExist:
        raise NotFoundError(_("There is no such application.")) from None
    if current.status != ApplicationStatus.DRAFT:
        raise ApplicationStateError(_("This application has been sent and cannot be changed."))
    return current


def _reference_next(year: int) -> str:
    """The next reference of ``year``, e.g. DL-2026-000123 (in the submission's transaction)."""
    number = sequence_next(name="applications", year=year)
    return f"{settings.VENTANILLA_REFERENCE_PREFIX}-{year}-{number:06d}"
