"""Every write of the mediator: members, systems and data services, access rights,
consents, and the mediated call itself, which checks, fetches, validates and logs."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.casework.models import Case
from ventanilla.casework.selectors import official_roles
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import service_definition_current, transaction_spec_for
from ventanilla.core import hotsql
from ventanilla.core.errors import (
    ExchangeError,
    ExchangeInvalidResponseError,
    ExchangeNoLegalBasisError,
    ExchangeNotAllowedError,
    ExchangeProviderFailedError,
    ExchangeProviderTimeoutError,
    ExchangeSubsystemInactiveError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from ventanilla.exchange import adapters, providers
from ventanilla.exchange.enums import APPLICATIONS_SUBSYSTEM, CallOutcome
from ventanilla.exchange.models import (
    AccessRight,
    Call,
    CaseEvidence,
    Consent,
    ConsentPurpose,
    DataService,
    Member,
    SeenRequest,
    Subsystem,
)
from ventanilla.exchange.selectors import Asking, Grants, call_grants, data_service_for_call
from ventanilla.identity.enums import Role
from ventanilla.identity.models import User
from ventanilla.ledger.pseudonyms import official_reference, subject_reference
from ventanilla.ledger.services import (
    APPEND_FUNCTION,
    ledger_append,
    ledger_append_index,
    ledger_prepare,
)


@dataclass(frozen=True)
class CallResult:
    call: Call
    data: dict[str, Any]


@transaction.atomic
def access_right_grant(
    *, service: DataService, client: Subsystem, actor: User | None = None
) -> AccessRight:
    """Let ``client`` call ``service`` (recorded, and in the ledger). Granting a right that
    is already live returns it."""
    live = AccessRight.objects.filter(service=service, client=client, revoked_at=None).first()
    if live is not None:
        return live
    now = timezone.now()
    entry = ledger_append(
        kind="exchange.right.granted",
        agency=service.provider.member.slug,
        at=now,
        body=_right_body(service, client, actor),
    )
    return AccessRight.objects.create(
        service=service,
        client=client,
        granted_at=now,
        granted_by=actor,
        ledger_index=entry.leaf_index,
    )


@transaction.atomic
def access_right_revoke(*, right: AccessRight, actor: User | None = None) -> AccessRight:
    right = AccessRight.objects.select_for_update().get(pk=right.pk)
    if right.revoked_at is not None:
        raise ValidationError(_("This access was already taken back."), field="right")
    right.revoked_at = timezone.now()
    right.revoked_by = actor
    right.save(update_fields=["revoked_at", "revoked_by"])
    ledger_append(
        kind="exchange.right.revoked",
        agency=right.service.provider.member.slug,
        at=right.revoked_at,
        body=_right_body(right.service, right.client, actor),
    )
    return right


def _right_body(service: DataService, client: Subsystem, actor: User | None) -> dict[str, Any]:
    return {
        "service": f"{service.provider}/{service.code}",
        "client": str(client),
        "actor": official_reference(user_id=actor.pk) if actor else "system",
    }


# X-Road's REST protocol allows letters, digits and '()+,-.=? in identifiers; a
# subsystem code here keeps to letters, digits, "-" and ".", which read the same in every
# URL and header unescaped, and starts with a letter or digit (so never "." or "..").
SUBSYSTEM_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,79}")
SUBSYSTEM_NAME_MAX = 200


@transaction.atomic
def subsystem_create(
    *, member: Member, code: str, name: dict[str, str], actor: User | None = None
) -> Subsystem:
    """A new information system of ``member`` (recorded, and in the ledger). ``code`` is
    its X-Road subsystem code, unique in the member (whatever the capitals); ``name`` is
    per language and needs the default language."""
    code = code.strip()
    if not code:
        raise ValidationError(_("Enter the system's code."), field="code")
    if not SUBSYSTEM_CODE.fullmatch(code):
        raise ValidationError(
            _(
                "The code can only have letters A to Z without accents, digits, hyphens "
                "and full stops, must start with a letter or a digit, and must be 80 "
                "characters or fewer."
            ),
            field="code",
        )
    duplicate = _("%(member)s already has a system with the code %(code)s.") % {
        "member": member.local_name,
        "code": code,
    }
    if member.subsystems.filter(code__iexact=code).exists():
        raise ValidationError(duplicate, field="code")
    names = {language: text.strip() for language, text in name.items() if text.strip()}
    default = settings.LANGUAGE_CODE
    if not names.get(default):
        raise ValidationError(_("Enter the system's name."), field=f"name_{default}")
    for language, text in names.items():
        if len(text) > SUBSYSTEM_NAME_MAX:
            raise ValidationError(
                _("The name must be %(max)s characters or fewer.") % {"max": SUBSYSTEM_NAME_MAX},
                field=f"name_{language}",
            )
    try:
        with transaction.atomic():  # the constraint decides a race with the same code
            subsystem = Subsystem.objects.create(member=member, code=code, name=names)
    except IntegrityError:
        raise ValidationError(duplicate, field="code") from None
    _subsystem_record("exchange.subsystem.created", subsystem, actor, at=timezone.now())
    return subsystem


@transaction.atomic
def subsystem_deactivate(*, subsystem: Subsystem, actor: User | None = None) -> Subsystem:
    """Switch the system off: the mediator refuses its calls from now on. Its access
    rights stay as they are, for when it is switched on again."""
    subsystem = (
        Subsystem.objects.select_for_update(of=("self",))
        .select_related("member__agency")
        .get(pk=subsystem.pk)
    )
    if subsystem.deactivated_at is not None:
        raise ValidationError(_("This system is already switched off."), field="subsystem")
    subsystem.deactivated_at = timezone.now()
    subsystem.save(update_fields=["deactivated_at"])
    _subsystem_record(
        "exchange.subsystem.deactivated", subsystem, actor, at=subsystem.deactivated_at
    )
    return subsystem


@transaction.atomic
def subsystem_reactivate(*, subsystem: Subsystem, actor: User | None = None) -> Subsystem:
    """Switch the system on again: its calls are checked as before."""
    subsystem = (
        Subsystem.objects.select_for_update(of=("self",))
        .select_related("member__agency")
        .get(pk=subsystem.pk)
    )
    if subsystem.deactivated_at is None:
        raise ValidationError(_("This system is already switched on."), field="subsystem")
    subsystem.deactivated_at = None
    subsystem.save(update_fields=["deactivated_at"])
    _subsystem_record("exchange.subsystem.reactivated", subsystem, actor, at=timezone.now())
    return subsystem


def _subsystem_record(
    kind: str, subsystem: Subsystem, actor: User | None, *, at: dt.datetime
) -> None:
    ledger_append(
        kind=kind,
        agency=subsystem.member.slug,
        at=at,
        body={
            "subsystem": str(subsystem),
            "actor": official_reference(user_id=actor.pk) if actor else "system",
        },
    )


@transaction.atomic
def consent_grant(*, national_id: str, recipient: Member, purpose: str, days: int = 365) -> Consent:
    """The person lets ``recipient`` fetch their data for ``purpose``, for ``days``."""
    if not 1 <= days <= 3650:
        raise ValidationError(_("A consent lasts from 1 day to 10 years."), field="days")
    if not purpose.strip():
        raise ValidationError(_("Say what the data may be used for."), field="purpose")
    now = timezone.now()
    return Consent.objects.create(
        subject=subject_reference(national_id=national_id),
        recipient=recipient,
        purpose=purpose.strip(),
        granted_at=now,
        expires_at=now + dt.timedelta(days=days),
    )


def consent_give(*, national_id: str, purpose_id: str, days: str) -> Consent:
    """The person's own consent, from the consents page: one of the purposes members
    offer, for one of the lengths allowed (at most the purpose's ``max_days``)."""
    purpose = (
        ConsentPurpose.objects.select_related("recipient").filter(pk=purpose_id).first()
        if purpose_id.isdigit()
        else None
    )
    if purpose is None:
        raise ValidationError(_("Choose what you agree to."), field="purpose")
    if not days.isdigit() or not 1 <= int(days) <= purpose.max_days:
        raise ValidationError(
            _("Choose for how long: at most %(days)s days.") % {"days": purpose.max_days},
            field="days",
        )
    return consent_grant(
        national_id=national_id, recipient=purpose.recipient, purpose=purpose.code, days=int(days)
    )


@transaction.atomic
def consent_revoke(*, consent: Consent, national_id: str) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.subject != subject_reference(national_id=national_id):
        raise NotFoundError(_("There is no such consent."))
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
    return consent


# How the mediator finds the person's own application, which apps further along the data
# flow keep (``applications`` registers its check when it loads):
# (agency_id, public_id, national_id) -> the id of the public service applied for, or None.
OwnApplicationCheck = Callable[[int, uuid.UUID, str], int | None]
_own_application_checks: list[OwnApplicationCheck] = []


def own_application_check_register(check: OwnApplicationCheck) -> None:
    """Let ``check`` say whether an application is one the person started themselves,
    at the agency, and still open (a legal basis: ``_refusal``)."""
    if check not in _own_application_checks:
        _own_application_checks.append(check)


def _own_application(client: Subsystem, application: str, national_id: str) -> int | None:
    """The public service the person applies for with ``application`` at the client's
    agency, or None if it is no open application of theirs there."""
    if not application or not client.member.agency_id:
        return None
    try:
        public_id = uuid.UUID(application)
    except ValueError:
        return None
    for check in _own_application_checks:
        found = check(client.member.agency_id, public_id, national_id)
        if found is not None:
            return found
    return None


def _refusal(
    client: Subsystem,
    service: DataService,
    national_id: str,
    purpose: str,
    case_reference: str,
    *,
    grants: Grants,
    basis_attested: bool,
    own_application: bool = False,
) -> ExchangeError | None:
    """Why the call may not go ahead, or None. The access right first (deny by default),
    then the legal basis: the purpose is one the service allows and the case is an open
    case of the client's agency about this person, or the person's own application to
    that agency (``own_application``, found by ``_own_application``); or else the person's
    live consent.

    A member on another node keeps its cases there: its node checked the legal basis and
    attests it with its signature (``basis_attested``); the purpose must still be one the
    service allows, and the call is logged here with the case it names."""
    if client.deactivated_at is not None:
        return ExchangeSubsystemInactiveError(
            _("%(client)s is switched off by its member.") % {"client": client}
        )
    # A service of another node: that node holds the access rights and checks them.
    if not (grants.access or service.remote_url):
        return ExchangeNotAllowedError(
            _("%(client)s has no access to %(service)s.")
            % {"client": client, "service": service.code}
        )
    if basis_attested and purpose in service.purposes:
        return None
    if own_application and purpose in service.purposes:
        return None
    if purpose in service.purposes and case_reference and client.member.agency_id:
        case_ok = Case.objects.filter(
            reference=case_reference,
            agency_id=client.member.agency_id,
            applicant__national_id=national_id,
            closed_at__isnull=True,
        ).exists()
        if case_ok:
            return None
    if grants.consent:
        return None
    return ExchangeNoLegalBasisError(
        _(
            "No legal basis: %(purpose)s is not a purpose %(service)s allows with an open "
            "case or application of the person at the agency, and the person has not "
            "consented."
        )
        % {"purpose": purpose or "—", "service": service.code}
    )


# The service's response validator, kept per process with the schema it was built from.
_VALIDATORS: dict[int, tuple[Any, jsonschema_rs.Validator]] = {}


def _validator(service: DataService) -> jsonschema_rs.Validator:
    """The service's response validator: JSON Schema 2020-12 with ``format`` as an
    annotation (as the schemas' own dialect says), and no ``$ref`` fetched from the
    network. jsonschema-rs checks an answer about a hundred times faster than the
    ``jsonschema`` package, and there is one check in every mediated call
    (bench/exchange.py); building a validator checks the schema itself.

    Raises ExchangeProviderFailedError if the schema cannot be used: no answer goes
    back unchecked."""
    kept = _VALIDATORS.get(service.pk)
    if kept is not None and kept[0] == service.response_schema:
        return kept[1]
    schema = copy.deepcopy(service.response_schema)
    try:
        validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=False, offline=True)
    except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError):
        raise ExchangeProviderFailedError(
            _("The response schema of %(service)s cannot be used.") % {"service": service.code}
        ) from None
    if len(_VALIDATORS) >= 256:
        _VALIDATORS.clear()
    _VALIDATORS[service.pk] = (schema, validator)
    return validator


def _fetch(
    service: DataService,
    national_id: str,
    *,
    client: Subsystem,
    purpose: str,
    case_reference: str,
    user_reference: str,
) -> dict[str, Any]:
    provider: providers.Provider | None
    if service.remote_url:

        def provider(subject: str) -> dict[str, Any]:
            return adapters.remote_fetch(
                service=service,
                client=client,
                national_id=subject,
                purpose=purpose,
                case_reference=case_reference,
                user_reference=user_reference,
            )

    else:
        provider = providers.LOCAL.get(service.code)
    if provider is None:
        raise ExchangeProviderFailedError(
            _("No provider answers %(service)s on this node.") % {"service": service.code}
        )
    started = time.monotonic()
    for attempt in (1, 2):  # data services are reads: one retry is safe
        try:
            data = provider(national_id)
            break
        except ExchangeProviderFailedError:
            if attempt == 2:
                raise
        except ExchangeError:
            raise
        except Exception as error:
            if attempt == 2:
                raise ExchangeProviderFailedError(_("The registry could not answer.")) from error
    if time.monotonic() - started > service.timeout_seconds:
        raise ExchangeProviderTimeoutError(_("The registry did not answer in time."))
    if not _validator(service).is_valid(data):
        raise ExchangeInvalidResponseError(
            _("The registry's answer does not match %(service)s's schema.")
            % {"service": service.code}
        )
    return data


def exchange_call(
    *,
    client: Subsystem,
    service_code: str,
    national_id: str,
    purpose: str,
    case_reference: str = "",
    official: User | None = None,
    official_reference_text: str = "",
    basis_attested: bool = False,
    x_road_id: str = "",
    service: DataService | None = None,
    grants: Grants | None = None,
    application: str = "",
) -> CallResult:
    """Fetch ``service_code`` about the person with ``national_id`` for ``client``.

    Checks the access right and the legal basis (or consent), asks the provider, checks
    the answer against the service's schema, and logs the call, refused, failed or
    completed, with its ledger entry. Typed errors (``core.errors.Exchange*Error``) say
    why no data came back, with the logged call's id (``call_id``); the log of a refusal
    is committed even so, so call this outside a transaction. ``basis_attested`` is for
    calls from another node (see ``_refusal``); ``official_reference_text`` is the
    pseudonym another node gave for its official (X-Road-UserId). ``application`` is the
    public id of the person's own application the look-up is for, its legal basis.
    ``service`` and ``grants`` are for a caller that already read them
    (``selectors.xroad_addressed``).
    """
    subject = subject_reference(national_id=national_id)
    asking = Asking(client=client, subject=subject, purpose=purpose)
    if service is None or service.code != service_code:
        service, grants = data_service_for_call(code=service_code, asking=asking)
    if service is None:
        raise NotFoundError(_("There is no data service %(code)s.") % {"code": service_code})
    if grants is None:
        grants = call_grants(service=service, asking=asking)
    started = time.monotonic()
    applied_for = _own_application(client, application, national_id)
    refusal = _refusal(
        client,
        service,
        national_id,
        purpose,
        case_reference,
        grants=grants,
        basis_attested=basis_attested,
        own_application=applied_for is not None,
    )
    user = official_reference(user_id=official.pk) if official else official_reference_text[:64]
    application = application if applied_for else ""  # logged only if it is the basis
    if refusal is not None:
        refusal.call_id = _log(
            client,
            service,
            subject,
            purpose,
            case_reference,
            user,
            started,
            refusal,
            x_road_id=x_road_id,
            application=application,
            applied_for=applied_for,
        ).pk
        raise refusal
    try:
        data = _fetch(
            service,
            national_id,
            client=client,
            purpose=purpose,
            case_reference=case_reference,
            user_reference=user,
        )
    except ExchangeError as error:
        error.call_id = _log(
            client,
            service,
            subject,
            purpose,
            case_reference,
            user,
            started,
            error,
            x_road_id=x_road_id,
            application=application,
            applied_for=applied_for,
        ).pk
        raise
    call = _log(
        client,
        service,
        subject,
        purpose,
        case_reference,
        user,
        started,
        None,
        x_road_id=x_road_id,
        application=application,
        applied_for=applied_for,
    )
    return CallResult(call=call, data=data)


def _log(
    client: Subsystem,
    service: DataService,
    subject: str,
    purpose: str,
    case_reference: str,
    user_reference: str,
    started: float,
    error: ExchangeError | None,
    *,
    x_road_id: str = "",
    application: str = "",
    applied_for: int | None = None,
) -> Call:
    """The call's row and its ledger entry, in their own transaction."""
    outcome = (
        CallOutcome.COMPLETED
        if error is None
        else CallOutcome.REFUSED
        if isinstance(error, ExchangeNotAllowedError | ExchangeNoLegalBasisError)
        else CallOutcome.FAILED
    )
    now = timezone.now()
    append = ledger_prepare(
        kind="exchange.call.completed" if error is None else "exchange.call.refused",
        agency=client.member.slug,
        subject=subject,
        case_reference=case_reference,
        at=now,
        body={
            "client": str(client),
            "service": f"{service.provider}/{service.code}",
            "purpose": purpose,
            "outcome": outcome.value,
            **({"reason": error.reason} if error is not None else {}),
        },
    )
    call = Call(
        at=now,
        client=client,
        service=service,
        subject=subject,
        purpose=purpose,
        case_reference=case_reference,
        application=uuid.UUID(application) if application else None,
        applied_for_id=applied_for,
        user_reference=user_reference,
        outcome=outcome,
        reason=error.reason if error is not None else "",
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql" and not db.in_atomic_block:
        # One statement, its own transaction: the request id, the ledger entry and the
        # call, in one round trip instead of seven (BEGIN, the request id, the appenders'
        # lock, the last index, the entry, the call, COMMIT).
        seen = [x_road_id, db.ops.adapt_datetimefield_value(now)] if x_road_id else []
        row = hotsql.fetch_one(
            _call_insert(seen=bool(x_road_id), ledger=True),
            [*seen, *_call_values(call), *append.params()],
        )
        call.pk, call.ledger_index = row  # type: ignore[misc] # RETURNING answers the row
        return call
    with transaction.atomic(durable=True):
        if x_road_id:  # unique: the same request twice at once fails here
            hotsql.execute(_SEEN_INSERT, [x_road_id, db.ops.adapt_datetimefield_value(now)])
        call.ledger_index = ledger_append_index(append)
        row = hotsql.fetch_one(
            _call_insert(seen=False, ledger=False), [*_call_values(call), call.ledger_index]
        )
        call.pk = row[0]  # type: ignore[index] # RETURNING answers the row inserted
        return call


_SEEN_INSERT = f"INSERT INTO {SeenRequest._meta.db_table} (x_road_id, at) VALUES (%s, %s)"  # noqa: S608


def _call_values(call: Call) -> list[Any]:
    """The call's values but its ledger index, inserted with one prepared statement: the
    ORM's save costs more than the insert itself, and there is one in every mediated call
    (as the ledger's append). Plain strings, integers and nulls go as they are; anything
    else (the time, the application's id, the outcome) as the field prepares it."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: each field would ask it again
    values = []
    for field in _call_fields():
        value = getattr(call, field.attname)
        if value is not None and type(value) not in (str, int):
            value = field.get_db_prep_save(value, db)
        values.append(value)
    return values


@functools.cache
def _call_fields() -> list[Any]:
    return [f for f in Call._meta.concrete_fields if not f.primary_key and f.name != "ledger_index"]


@functools.cache
def _call_insert(*, seen: bool, ledger: bool) -> str:
    """INSERT the call (``_call_values``, then its ledger index), answering its id and
    ledger index. With ``ledger`` (PostgreSQL) the statement appends the ledger entry
    itself and the call takes its index (``Append.params`` instead of the index); with
    ``seen`` it first inserts the request id (its two values come first)."""
    quote = connection.ops.quote_name
    names = [*(f.column for f in _call_fields()), "ledger_index"]
    values = ["%s"] * (len(names) - 1) + [APPEND_FUNCTION if ledger else "%s"]
    statement = (
        f"INSERT INTO {quote(Call._meta.db_table)} ({', '.join(map(quote, names))}) "  # noqa: S608
        f"VALUES ({', '.join(values)}) RETURNING {quote('id')}, {quote('ledger_index')}"
    )
    if seen:
        statement = f"WITH seen AS ({_SEEN_INSERT}) {statement}"
    return statement


def seen_requests_prune() -> int:
    """Forget request ids older than twice the allowed clock skew: a request that old is
    refused for its age anyway, so its id cannot be replayed. The worker runs this."""
    horizon = timezone.now() - dt.timedelta(
        seconds=2 * settings.VENTANILLA_EXCHANGE_MAX_SKEW_SECONDS
    )
    deleted, _ = SeenRequest.objects.filter(at__lt=horizon).delete()
    return deleted


def case_evidence_request(
    *, case: Case, official: User, right: AccessRight, purpose: str
) -> CaseEvidence:
    """Fetch ``right``'s data service about the case's applicant, for ``official`` of the
    case's agency, with the case as the legal basis; keep what came back with the case.

    Only a caseworker or approver of the case's agency may, through one of its agency's
    systems' live rights (``PermissionDeniedError``, ``NotFoundError``). The look-up is
    kept with the case whatever its outcome; a refusal or failure is then raised as its
    typed ``ExchangeError``. Runs outside a transaction, as ``exchange_call`` must.
    """
    if not official_roles(official=official, agency=case.agency) & {
        Role.CASEWORKER,
        Role.APPROVER,
    }:
        raise PermissionDeniedError(
            _("Only a caseworker or approver of %(agency)s may request evidence.")
            % {"agency": case.agency.local_name}
        )
    live = (
        AccessRight.objects.select_related("client__member", "service__provider__member")
        .filter(pk=right.pk, client__member__agency_id=case.agency_id, revoked_at=None)
        .first()
    )
    if live is None:
        raise NotFoundError(_("Your agency has no such access to a registry."))
    right = live
    national_id = case.applicant.national_id
    if not national_id:
        raise ValidationError(
            _("The applicant's account is not linked to the population registry."),
            field="source",
        )
    try:
        result = exchange_call(
            client=right.client,
            service=right.service,
            service_code=right.service.code,
            national_id=national_id,
            purpose=purpose,
            case_reference=case.reference,
            official=official,
        )
    except ExchangeError as error:
        if error.call_id is not None:
            CaseEvidence.objects.create(case=case, call_id=error.call_id, requested_by=official)
        raise
    return CaseEvidence.objects.create(
        case=case, call=result.call, requested_by=official, data=result.data
    )


def applications_systems_connect(*, actor: User | None = None) -> int:
    """Connect each agency that receives online applications needing registry data: its
    member and its applications system (``APPLICATIONS_SUBSYSTEM``), made if missing, get
    an access right to each data service on this node that its services fetch about
    their applicants (``TransactionSpec.evidence``). For a new node or the demo; the
    providers' own administrators grant and revoke rights afterwards. Returns the rights
    granted."""
    data_services = {s.code: s for s in DataService.objects.select_related("provider__member")}
    granted = 0
    online = PublicService.objects.filter(is_active=True, applies_online=True)
    for public_service in online.select_related("competent_agency").order_by("slug"):
        spec = transaction_spec_for(service_definition_current(service=public_service))
        wanted = [data_services[code] for code in spec.evidence if code in data_services]
        if not wanted:
            continue
        agency = public_service.competent_agency
        member, _created = Member.objects.get_or_create(
            agency=agency,
            defaults={
                "instance": settings.VENTANILLA_EXCHANGE_INSTANCE,
                "member_class": "GOV",
                "member_code": agency.slug,
            },
        )
        client, _created = Subsystem.objects.get_or_create(
            member=member,
            code=APPLICATIONS_SUBSYSTEM,
            defaults={"name": {"en": "Online applications", "es": "Solicitudes en línea"}},
        )
        for data_service in wanted:
            live = AccessRight.objects.filter(
                service=data_service, client=client, revoked_at=None
            ).exists()
            if not live:
                access_right_grant(service=data_service, client=client, actor=actor)
                granted += 1
    return granted
