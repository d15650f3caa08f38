"""Every read of the mediator a page or the API needs."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import Count, Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.casework.models import Case
from ventanilla.core import hotsql
from ventanilla.core.errors import NotFoundError, ValidationError
from ventanilla.exchange.enums import APPLICATIONS_SUBSYSTEM, OWN_APPLICATION, REASONS, CallOutcome
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
from ventanilla.identity.models import Agency
from ventanilla.ledger.pseudonyms import subject_reference
from ventanilla.registries.schemas import PERSON_SERVICES, SERVICE_SCHEMAS


def call_list_for_person(*, national_id: str) -> QuerySet[Call]:
    """Every look-up of the person's data, newest first: the data tracker."""
    return (
        Call.objects.filter(subject=subject_reference(national_id=national_id))
        .select_related(
            "client__member__agency", "service__provider__member__agency", "applied_for"
        )
        .order_by("-at", "-pk")
    )


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    purpose: ConsentPurpose | None
    live: bool


def consent_purpose_list() -> QuerySet[ConsentPurpose]:
    return ConsentPurpose.objects.select_related("recipient__agency").order_by("pk")


def consent_list_for_person(*, national_id: str) -> list[ConsentRow]:
    """The person's consents, newest first, each with what it was for and whether it is
    still in force."""
    purposes = {(p.recipient_id, p.code): p for p in consent_purpose_list()}
    now = timezone.now()
    consents = Consent.objects.filter(subject=subject_reference(national_id=national_id))
    return [
        ConsentRow(
            consent=consent,
            purpose=purposes.get((consent.recipient_id, consent.purpose)),
            live=consent.revoked_at is None and consent.expires_at > now,
        )
        for consent in consents.select_related("recipient__agency").order_by("-granted_at")
    ]


@dataclass(frozen=True)
class ExchangeOverview:
    member: Member | None
    services: Sequence[DataService]  # what the agency's registries offer, with live_rights
    subsystems: Sequence[Subsystem]  # its own systems, with the live_rights they hold
    clients: list[Subsystem]  # every system a right could be granted to
    calls_made: list[dict[str, Any]]  # by service and outcome, last 30 days
    calls_served: list[dict[str, Any]]


def exchange_overview_for_agency(*, agency: Agency) -> ExchangeOverview:
    """The agency's place in the exchange: what it provides and to whom, what its systems
    may fetch, and the calls of the last 30 days by outcome and reason."""
    member = Member.objects.filter(agency=agency).first()
    if member is None:
        return ExchangeOverview(None, [], [], [], [], [])
    live = AccessRight.objects.filter(revoked_at=None).select_related(
        "client__member__agency", "service__provider__member__agency"
    )
    services = list(
        DataService.objects.filter(provider__member=member)
        .prefetch_related(Prefetch("rights", queryset=live, to_attr="live_rights"))
        .order_by("code")
    )
    subsystems = list(
        member.subsystems.prefetch_related(
            Prefetch("rights", queryset=live, to_attr="live_rights")
        ).order_by("code")
    )
    since = timezone.now() - dt.timedelta(days=30)
    counts = ("service__code", "outcome", "reason")
    made = (
        Call.objects.filter(client__member=member, at__gte=since)
        .values(*counts)
        .annotate(calls=Count("pk"))
        .order_by(*counts)
    )
    served = (
        Call.objects.filter(service__provider__member=member, at__gte=since)
        .values(*counts)
        .annotate(calls=Count("pk"))
        .order_by(*counts)
    )
    clients = list(
        Subsystem.objects.select_related("member__agency").order_by(
            "member__instance", "member__member_class", "member__member_code", "code"
        )
    )
    return ExchangeOverview(member, services, subsystems, clients, list(made), list(served))


def data_service_get_for_agency(*, agency: Agency, pk: str) -> DataService:
    """One of the agency's own data services (NotFoundError for anyone else's)."""
    service = (
        DataService.objects.filter(pk=pk, provider__member__agency=agency).first()
        if pk.isdigit()
        else None
    )
    if service is None:
        raise NotFoundError(_("Your agency provides no such data service."))
    return service


def access_right_get_for_agency(*, agency: Agency, pk: str) -> AccessRight:
    """A live right to one of the agency's data services (NotFoundError otherwise)."""
    right = (
        AccessRight.objects.filter(
            pk=pk, service__provider__member__agency=agency, revoked_at=None
        ).first()
        if pk.isdigit()
        else None
    )
    if right is None:
        raise NotFoundError(_("There is no such access right."))
    return right


def subsystem_get_for_agency(*, agency: Agency, pk: str) -> Subsystem:
    """One of the agency's own systems (NotFoundError for anyone else's)."""
    subsystem = (
        Subsystem.objects.select_related("member__agency")
        .filter(pk=pk, member__agency=agency)
        .first()
        if pk.isdigit()
        else None
    )
    if subsystem is None:
        raise NotFoundError(_("Your agency has no such system."))
    return subsystem


@dataclass(frozen=True)
class SubsystemsOverview:
    member: Member | None
    subsystems: Sequence[Subsystem]  # each with the live_rights it holds, oldest first

    @property
    def rights(self) -> list[AccessRight]:
        """The live rights of all the systems, by system, oldest first."""
        return [
            right
            for subsystem in self.subsystems
            for right in subsystem.live_rights  # type: ignore[attr-defined]
        ]


def subsystem_list_for_agency(*, agency: Agency) -> SubsystemsOverview:
    """The agency's own systems, active or not, each with the data it may fetch and who
    granted it."""
    member = Member.objects.select_related("agency").filter(agency=agency).first()
    if member is None:
        return SubsystemsOverview(None, [])
    live = (
        AccessRight.objects.filter(revoked_at=None)
        .select_related("service__provider__member__agency", "granted_by")
        .order_by("granted_at", "pk")
    )
    subsystems = list(
        member.subsystems.prefetch_related(
            Prefetch("rights", queryset=live, to_attr="live_rights")
        ).order_by("code")
    )
    return SubsystemsOverview(member, subsystems)


PERIODS = (7, 30)  # days the central office's call figures may cover


@dataclass(frozen=True)
class CallCounts:
    completed: int = 0
    refused: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.completed + self.refused + self.failed

    def plus(self, outcome: str, calls: int) -> CallCounts:
        """These counts with ``calls`` more of ``outcome`` (a ``CallOutcome`` value)."""
        if outcome not in CallOutcome.values:
            return self
        return replace(self, **{outcome: getattr(self, outcome) + calls})


@dataclass(frozen=True)
class CallsOf:
    """The calls of one data service, or one client system, by outcome."""

    of: Any  # DataService or Subsystem
    counts: CallCounts


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    outcome: str
    calls: int

    @property
    def text(self) -> str:
        return str(REASONS.get(self.reason, self.reason))

    @property
    def outcome_label(self) -> str:
        return str(CallOutcome(self.outcome).label)


@dataclass(frozen=True)
class GovernmentExchange:
    days: int
    since: dt.datetime
    members: Sequence[Member]  # each with its subsystems
    services: Sequence[DataService]  # by provider, then code
    rights: Sequence[AccessRight]  # live, by service, then client
    by_service: list[CallsOf]  # services with calls in the period, by code
    by_client: list[CallsOf]  # client systems with calls in the period
    totals: CallCounts
    reasons: list[ReasonCount]  # why calls did not complete, most frequent first


def exchange_overview_for_government(*, days: int) -> GovernmentExchange:
    """The whole exchange, for the central digital office: every member and its systems,
    every data service and its purposes, every live access right, and the calls of the
    last ``days`` days per data service and per client system by outcome, with the
    reasons of refusals and failures counted. Seven queries, whatever the numbers."""
    if days not in PERIODS:
        raise ValidationError(
            _("Choose a period of %(periods)s days.")
            % {"periods": " or ".join(str(period) for period in PERIODS)},
            field="days",
        )
    since = timezone.now() - dt.timedelta(days=days)
    members = list(
        Member.objects.select_related("agency")
        .prefetch_related(Prefetch("subsystems", queryset=Subsystem.objects.order_by("code")))
        .order_by("instance", "member_class", "member_code")
    )
    subsystems = {
        subsystem.pk: subsystem for member in members for subsystem in member.subsystems.all()
    }
    services = list(
        DataService.objects.select_related("provider__member__agency").order_by(
            "provider__member__instance",
            "provider__member__member_class",
            "provider__member__member_code",
            "provider__code",
            "code",
        )
    )
    rights = list(
        AccessRight.objects.filter(revoked_at=None)
        .select_related("service", "client", "granted_by")
        .order_by("service__code", "client__pk")
    )
    by_pk = {service.pk: service for service in services}
    for right in rights:
        right.service = by_pk[right.service_id]
        right.client = subsystems[right.client_id]
    calls = Call.objects.filter(at__gte=since)
    per_service: dict[int, CallCounts] = {}
    totals = CallCounts()
    for row in calls.values("service_id", "outcome").annotate(calls=Count("pk")).order_by():
        counts = per_service.get(row["service_id"], CallCounts())
        per_service[row["service_id"]] = counts.plus(row["outcome"], row["calls"])
        totals = totals.plus(row["outcome"], row["calls"])
    per_client: dict[int, CallCounts] = {}
    for row in calls.values("client_id", "outcome").annotate(calls=Count("pk")).order_by():
        counts = per_client.get(row["client_id"], CallCounts())
        per_client[row["client_id"]] = counts.plus(row["outcome"], row["calls"])
    reasons = [
        ReasonCount(reason=row["reason"], outcome=row["outcome"], calls=row["calls"])
        for row in calls.exclude(outcome=CallOutcome.COMPLETED)
        .values("reason", "outcome")
        .annotate(calls=Count("pk"))
        .order_by("-calls", "reason")
    ]
    return GovernmentExchange(
        days=days,
        since=since,
        members=members,
        services=services,
        rights=rights,
        by_service=sorted(
            (CallsOf(by_pk[pk], counts) for pk, counts in per_service.items()),
            key=lambda row: row.of.code,
        ),
        by_client=sorted(
            (CallsOf(subsystems[pk], counts) for pk, counts in per_client.items()),
            key=lambda row: str(row.of),
        ),
        totals=totals,
        reasons=reasons,
    )


def applications_client_for_agency(*, agency_id: int) -> Subsystem | None:
    """The agency's system that fetches evidence for the applications it receives."""
    return _subsystem_where("m.agency_id = %s AND p.code = %s", [agency_id, APPLICATIONS_SUBSYSTEM])


@dataclass(frozen=True)
class EvidenceSource:
    """A data service an official may fetch about a case's applicant: through which of
    their agency's systems' rights, and for which purpose."""

    right: AccessRight
    purpose: str

    @property
    def value(self) -> str:
        return f"{self.right.pk}:{self.purpose}"


def evidence_sources_for_agency(*, agency: Agency) -> list[EvidenceSource]:
    """What the agency's officials may fetch about an applicant: each live right of its
    own systems (not the one that fills in applications) to a data service about a
    person, with each purpose the service allows but the person's own application."""
    rights = (
        AccessRight.objects.filter(client__member__agency=agency, revoked_at=None)
        .exclude(client__code=APPLICATIONS_SUBSYSTEM)
        .select_related("client", "service__provider__member__agency")
        .order_by("service__code", "client__code")
    )
    return [
        EvidenceSource(right=right, purpose=purpose)
        for right in rights
        if right.service.code in PERSON_SERVICES or right.service.code not in SERVICE_SCHEMAS
        for purpose in right.service.purposes
        if purpose != OWN_APPLICATION
    ]


def case_evidence_list(*, case: Case) -> QuerySet[CaseEvidence]:
    """What officials fetched for the case, newest first (the caller checked the agency)."""
    return (
        CaseEvidence.objects.filter(case=case)
        .select_related("call__service__provider__member__agency", "call__client", "requested_by")
        .order_by("-call__at", "-pk")
    )


def access_right_get_for_client_agency(*, agency: Agency, pk: str) -> AccessRight:
    """A live right one of the agency's own systems holds (NotFoundError otherwise)."""
    right = (
        AccessRight.objects.filter(pk=pk, client__member__agency=agency, revoked_at=None)
        .select_related("client__member", "service__provider__member__agency")
        .first()
        if pk.isdigit()
        else None
    )
    if right is None:
        raise NotFoundError(_("Your agency has no such access to a registry."))
    return right


def data_rows(data: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A registry's answer as (field, text) rows for a page: a list reads one item a
    line, each as its fields."""
    rows = []
    for key, value in (data or {}).items():
        if isinstance(value, list):
            text = "\n".join(
                ", ".join(f"{k}: {v}" for k, v in item.items())
                if isinstance(item, dict)
                else str(item)
                for item in value
            )
        elif isinstance(value, bool):
            text = str(_("Yes") if value else _("No"))
        else:
            text = "" if value is None else str(value)
        rows.append((key, text))
    return rows


# The mediator resolves its data service (and, over HTTP, the calling subsystem) on every
# call, and the ORM spends longer building that select_related query than the database
# spends answering it (bench/exchange.py). So the objects are kept per process, keyed by
# every column they were built from; each call reads those columns again in one plain
# statement, and a row that was edited, switched off or replaced reads differently and is
# built afresh: nothing stale is used.
_KEPT: dict[tuple[Any, ...], Any] = {}


def _columns(alias: str, model: type[Model]) -> list[str]:
    quote = connection.ops.quote_name
    return [f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields]


def _kept(
    kind: str, sql: str, params: list[Any], build: Callable[[int], Any], *, extra: int = 0
) -> tuple[Any, tuple[Any, ...]]:
    """The object ``build`` makes from the row ``sql`` finds (by its id), kept per
    process under everything the row holds, and the row's last ``extra`` columns (not
    part of the object); (None, ()) if there is no such row."""
    row = hotsql.fetch_one(sql, params)
    if row is None:
        return None, ()
    columns, extras = (row[:-extra], row[-extra:]) if extra else (row, ())
    return _keep(kind, columns, build), extras


def _keep(kind: str, columns: tuple[Any, ...], build: Callable[[int], Any]) -> Any:
    """The object ``build`` makes from the id in ``columns[0]``, kept per process under
    all of ``columns``; None if the columns are empty (an outer join found nothing)."""
    if columns[0] is None:
        return None
    key = (connection.alias, kind, *columns)
    found = _KEPT.get(key)
    if found is None:
        found = build(columns[0])  # None if it was deleted meanwhile
        if found is not None:
            if len(_KEPT) >= 512:
                _KEPT.clear()
            _KEPT[key] = found
    return found


def _member_join(member: str) -> str:
    return (
        f" JOIN {Member._meta.db_table} m ON m.id = {member}"
        f" LEFT JOIN {Agency._meta.db_table} a ON a.id = m.agency_id"
    )


@dataclass(frozen=True)
class Asking:
    """Who asks a data service, about whom and why: what the grants are checked for."""

    client: Subsystem
    subject: str  # the person's pseudonym
    purpose: str


@dataclass(frozen=True)
class Grants:
    """Whether the client holds a live access right to the service, whether the person
    has a live consent for the purpose with the client's member, and whether a request
    with the same X-Road-Id was logged already (a replay)."""

    access: bool
    consent: bool
    replayed: bool = False


NO_GRANTS = Grants(access=False, consent=False)


# The grants (and, for a request from another system, the replay check) as columns of
# one statement, about the data service ``s``: every mediated call asks them, so they come
# with the data service (or on their own, ``call_grants``).
def _grants_sql_for(client: str, member: str, *, replay: bool = False) -> str:
    """The columns, for the client subsystem ``client`` of member ``member`` (``%s``
    each, given as values, or the columns of a joined client)."""
    sql = (
        f"EXISTS (SELECT 1 FROM {AccessRight._meta.db_table} r"  # noqa: S608 - our tables
        f" WHERE r.service_id = s.id AND r.client_id = {client} AND r.revoked_at IS NULL),"
        f" EXISTS (SELECT 1 FROM {Consent._meta.db_table} c WHERE c.subject = %s"
        f" AND c.recipient_id = {member} AND c.purpose = %s AND c.revoked_at IS NULL"
        " AND c.expires_at > %s)"
    )
    if replay:
        seen = SeenRequest._meta.db_table
        sql += f", EXISTS (SELECT 1 FROM {seen} q WHERE q.x_road_id = %s)"  # noqa: S608
    return sql


_GRANTS = _grants_sql_for("%s", "%s")


def _grants_params(asking: Asking) -> list[Any]:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return [
        asking.client.pk,
        asking.subject,
        asking.client.member_id,
        asking.purpose,
        now,
    ]


@functools.cache
def _service_sql(where: str) -> str:
    columns = [*_columns("s", DataService), *_subsystem_columns("p", "m", "a")]
    return (
        f"SELECT {', '.join(columns)}, {_GRANTS} FROM {DataService._meta.db_table} s"  # noqa: S608
        f" JOIN {Subsystem._meta.db_table} p ON p.id = s.provider_id"
        + _member_join("p.member_id")
        + f" WHERE {where}"
    )


def _service_build(pk: int) -> DataService | None:
    return DataService.objects.select_related("provider__member__agency").filter(pk=pk).first()


def _service_with_grants(
    where: str, params: list[Any], asking: Asking
) -> tuple[DataService | None, Grants]:
    sql, values = _service_sql(where), [*_grants_params(asking), *params]
    service, extras = _kept("service", sql, values, _service_build, extra=2)
    if service is None:
        return None, NO_GRANTS
    return service, _grants(extras)


def _grants(row: tuple[Any, ...]) -> Grants:
    replayed = len(row) > 2 and bool(row[2])
    return Grants(access=bool(row[0]), consent=bool(row[1]), replayed=replayed)


def data_service_for_call(*, code: str, asking: Asking) -> tuple[DataService | None, Grants]:
    """The data service ``code`` with its provider, member and agency, as a mediated call
    needs it, and what ``asking`` is granted for it; (None, NO_GRANTS) if there is none."""
    return _service_with_grants("s.code = %s", [code], asking)


@dataclass(frozen=True)
class Addressed:
    """What a request to the X-Road endpoint names: the calling subsystem (None if there
    is none), the data service (None if there is none) and, when both are known, what the
    client is granted for it."""

    client: Subsystem | None
    service: DataService | None
    grants: Grants


def xroad_addressed(
    *,
    client: tuple[str, str, str, str],
    service: tuple[str, str, str, str, str],
    subject: str,
    purpose: str,
    x_road_id: str,
) -> Addressed:
    """The client (``X-Road-Client``: instance, class, code, subsystem), the data service
    the path names (``/r1/{instance}/{class}/{code}/{subsystem}/{service}``: those and the
    service's code) and the grants of the client for the person with pseudonym
    ``subject`` and ``purpose``, in one statement: every request to the endpoint needs
    all three, and on PostgreSQL each statement is a round trip."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    row = hotsql.fetch_one(
        _addressed_sql(),
        [subject, purpose, now, x_road_id, service[4], service[3], *service[:3], *client[::-1]],
    )
    if row is None:
        return Addressed(client=None, service=None, grants=NO_GRANTS)
    found_client = _keep("subsystem", row[:_SUBSYSTEM_WIDTH], _subsystem_build)
    split = _SUBSYSTEM_WIDTH + _SERVICE_WIDTH
    found_service = _keep("service", row[_SUBSYSTEM_WIDTH:split], _service_build)
    grants = _grants(row[split:]) if found_service is not None else NO_GRANTS
    return Addressed(client=found_client, service=found_service, grants=grants)


def _subsystem_build(pk: int) -> Subsystem | None:
    return Subsystem.objects.select_related("member__agency").filter(pk=pk).first()


@functools.cache
def _subsystem_sql(where: str) -> str:
    return (
        f"SELECT {', '.join(_subsystem_columns('p', 'm', 'a'))}"  # noqa: S608
        f" FROM {Subsystem._meta.db_table} p" + _member_join("p.member_id") + f" WHERE {where}"
    )


def _subsystem_where(where: str, params: list[Any]) -> Subsystem | None:
    found, _extras = _kept("subsystem", _subsystem_sql(where), params, _subsystem_build)
    return found  # type: ignore[no-any-return]


def _subsystem_columns(subsystem: str, member: str, agency: str) -> list[str]:
    return [
        *_columns(subsystem, Subsystem),
        *_columns(member, Member),
        *_columns(agency, Agency),
    ]


_SUBSYSTEM_WIDTH = sum(len(model._meta.concrete_fields) for model in (Subsystem, Member, Agency))
_SERVICE_WIDTH = len(DataService._meta.concrete_fields) + _SUBSYSTEM_WIDTH


@functools.cache
def _addressed_sql() -> str:
    columns = [
        *_subsystem_columns("k", "km", "ka"),
        *_columns("s", DataService),
        *_subsystem_columns("p", "m", "a"),
    ]
    return (
        f"SELECT {', '.join(columns)}, {_grants_sql_for('k.id', 'k.member_id', replay=True)}"  # noqa: S608
        f" FROM {Subsystem._meta.db_table} k"
        f" JOIN {Member._meta.db_table} km ON km.id = k.member_id"
        f" LEFT JOIN {Agency._meta.db_table} ka ON ka.id = km.agency_id"
        f" LEFT JOIN ({DataService._meta.db_table} s"
        f" JOIN {Subsystem._meta.db_table} p ON p.id = s.provider_id"
        + _member_join("p.member_id")
        + ") ON s.code = %s AND p.code = %s AND m.instance = %s AND m.member_class = %s"
        " AND m.member_code = %s"
        " WHERE k.code = %s AND km.member_code = %s AND km.member_class = %s"
        " AND km.instance = %s"
    )


@functools.cache
def _grants_sql() -> str:
    return f"SELECT {_GRANTS} FROM {DataService._meta.db_table} s WHERE s.id = %s"  # noqa: S608


def call_grants(*, service: DataService, asking: Asking) -> Grants:
    """What ``asking`` is granted for ``service`` (when the service is already in hand)."""
    row = hotsql.fetch_one(_grants_sql(), [*_grants_params(asking), service.pk])
    return _grants(row) if row else NO_GRANTS
