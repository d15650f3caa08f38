"""The demo government "Demoland": its catalogue, synthetic residents and demo accounts."""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ventanilla.applications.models import Application
from ventanilla.applications.services import application_file
from ventanilla.casework.models import Case
from ventanilla.casework.selectors import official_roles
from ventanilla.casework.services import case_transition
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import transaction_spec_for, working_calendar
from ventanilla.catalogue.services import catalogue_load
from ventanilla.catalogue.transactions import Action, Workflow
from ventanilla.core.calendar import SATURDAY
from ventanilla.core.errors import ExchangeNotAllowedError, ValidationError
from ventanilla.demo.registries import RegistriesFilled, registries_generate
from ventanilla.exchange.enums import OWN_APPLICATION
from ventanilla.exchange.models import Call, ConsentPurpose, DataService, Member, Subsystem
from ventanilla.exchange.providers import PERSON_SCHEMA
from ventanilla.exchange.services import (
    access_right_grant,
    applications_systems_connect,
    exchange_call,
)
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, User
from ventanilla.identity.services import official_add, resident_link_person
from ventanilla.insights.models import OfflineCount
from ventanilla.insights.services import facts_fold_since
from ventanilla.ledger.pseudonyms import subject_reference
from ventanilla.ledger.services import ledger_checkpoint
from ventanilla.registries.models import Person
from ventanilla.registries.schemas import SCHEMAS

SEED = 2026
MAX_RESIDENTS = 1_000_000
RESIDENT_EMAIL = "resident@demoland.example"
RESIDENT_PASSWORD = "demoland-resident"  # noqa: S105 - demo only; `ventanilla demo` refuses production
OFFICIAL_PASSWORD = "demoland-official"  # noqa: S105
ADMIN_EMAIL = "admin@demoland.example"
# One authenticator secret for every demo official, so a tester adds it to an app once.
DEMO_TOTP_SECRET = "VENTANILLADEMOLANDTOTPXX"  # noqa: S105
DEFAULT_OFFICIAL_ROLES = [Role.CASEWORKER, Role.APPROVER, Role.SERVICE_DESIGNER]
OFFICIAL_ROLES = {
    # The population registry's administrator gives other agencies' systems access.
    "civil-registry": [Role.CASEWORKER, Role.APPROVER, Role.AGENCY_ADMIN],
    "tax-agency": [Role.CASEWORKER, Role.APPROVER],
    # Building permits take two people: a caseworker's technical review, then an approver.
    "port-demo-city": [Role.CASEWORKER, Role.SERVICE_DESIGNER],
    # Manages its benefits system in the exchange.
    "social-security": [*DEFAULT_OFFICIAL_ROLES, Role.AGENCY_ADMIN],
    # The central digital office (VENTANILLA_CENTRAL_OFFICE) sees the whole exchange.
    "digital-office": [Role.AGENCY_ADMIN],
}
# Second officials, with the role the first one lacks.
EXTRA_OFFICIALS = {"port-demo-city": ("approver", [Role.APPROVER])}
# Example answers per transactional service, for the demo's applications.
DEMO_ANSWERS: dict[str, dict[str, object]] = {
    "child-benefit": {
        "child_given_name": "Lola",
        "child_birth_date": "2026-03-27",
        "relationship": "parent",
        "bank_account": "DL12 3456 7890 1234 5678",
    },
    "unemployment-benefit": {
        "last_employer": "Conservas del Puerto S.L.",
        "last_day_of_work": "2026-10-31",
        "reason": "contract-ended",
        "available_for_work": True,
        "bank_account": "DL98 7654 3210 9876 5432",
    },
    "birth-certificate": {
        "whose": "own",
        "full_name": "Lucía Pérez Gómez",
        "birth_date": "1990-05-17",
        "copies": 1,
        "purpose": "passport",
    },
    "business-registration": {
        "business_name": "Conservas Marina",
        "legal_form": "limited-company",
        "activity": "food",
        "business_address": "Muelle Norte 4, Port Demo",
        "start_date": "2027-01-15",
        "employees": 3,
    },
}
# Every other demo case is backdated by this many working days, so some are overdue.
DEMO_BACKDATE_DAYS = (0, 6, 0, 12)
SANDBOX_CARD = "4242 4242 4242 4242"

Progress = Callable[[int], None]


@dataclass
class DemoSignIn:
    who: str
    email: str
    password: str
    totp: bool = False


@dataclass
class DemoReport:
    agencies: int = 0
    services: int = 0
    events: int = 0
    residents_created: int = 0
    companies_created: int = 0
    parcels_created: int = 0
    vehicles_created: int = 0
    sign_ins: list[DemoSignIn] = field(default_factory=list)


def residents_generate(
    *, count: int, seed: int = SEED, progress: Progress | None = None
) -> RegistriesFilled:
    """Fill empty base registries with ``count`` synthetic residents, their families,
    homes and vehicles, and companies in proportion (``demo.registries``).

    The same seed gives the same registries on the same day, national ids included. A
    population registry that already holds people is left as it is (nothing is made).
    """
    if not 1 <= count <= MAX_RESIDENTS:
        raise ValidationError(
            f"The number of residents must be between 1 and {MAX_RESIDENTS:,}, not {count:,}.",
            field="residents",
        )
    if Person.objects.exists():
        return RegistriesFilled()
    with transaction.atomic():
        return registries_generate(
            residents=count, seed=seed, today=timezone.localdate(), progress=progress
        )


def _account(email: str, password: str, **extra: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, **extra)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _with_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


@transaction.atomic
def demo_accounts_create() -> None:
    """The demo's sign-ins: one resident, one official per agency, one administrator."""
    person = Person.objects.order_by("pk").first()
    resident = _account(RESIDENT_EMAIL, RESIDENT_PASSWORD)
    if person is not None and resident.national_id is None:
        resident_link_person(user=resident, person=person)

    for agency in Agency.objects.order_by("slug"):
        email = f"official@{agency.slug}.demoland.example"
        official = _account(email, OFFICIAL_PASSWORD, display_name=f"Official, {agency.slug}")
        for role in OFFICIAL_ROLES.get(agency.slug, DEFAULT_OFFICIAL_ROLES):
            official_add(user=official, agency=agency, role=role)
        _with_totp(official)
        if agency.slug in EXTRA_OFFICIALS:
            name, roles = EXTRA_OFFICIALS[agency.slug]
            extra = _account(
                f"{name}@{agency.slug}.demoland.example",
                OFFICIAL_PASSWORD,
                display_name=f"Approver, {agency.slug}",
            )
            for role in roles:
                official_add(user=extra, agency=agency, role=role)
            _with_totp(extra)

    admin = _account(
        ADMIN_EMAIL, OFFICIAL_PASSWORD, is_staff=True, is_superuser=True, display_name="Admin"
    )
    _with_totp(admin)


def demo_sign_ins() -> list[DemoSignIn]:
    """The demo sign-ins that exist in this database, for `ventanilla up` to print."""
    users = {
        user.email: user
        for user in User.objects.filter(email__endswith="demoland.example").prefetch_related(
            "memberships__agency"
        )
    }
    sign_ins = []
    if RESIDENT_EMAIL in users:
        sign_ins.append(DemoSignIn("resident", RESIDENT_EMAIL, RESIDENT_PASSWORD))
    for email, user in sorted(users.items()):
        agencies = sorted({membership.agency.slug for membership in user.memberships.all()})
        if agencies and email != ADMIN_EMAIL:
            who = f"official of {', '.join(agencies)}"
            if settings.VENTANILLA_CENTRAL_OFFICE in agencies:
                who = "central digital office"
            sign_ins.append(DemoSignIn(who, email, OFFICIAL_PASSWORD, totp=True))
    if ADMIN_EMAIL in users:
        sign_ins.append(DemoSignIn("administrator", ADMIN_EMAIL, OFFICIAL_PASSWORD, totp=True))
    return sign_ins


# Agencies' systems that fetch residents' data, and what for (purposes the population
# registry's data service allows).
DEMO_CLIENTS = {
    "social-security": ("benefits", {"en": "Benefits system", "es": "Sistema de prestaciones"}),
    "transport-agency": ("licences", {"en": "Licences system", "es": "Sistema de permisos"}),
    "health-service": ("health-cards", {"en": "Health cards", "es": "Tarjetas sanitarias"}),
    "tax-agency": ("income", {"en": "Income tax system", "es": "Sistema del IRPF"}),
}
DEMO_PURPOSES = {
    "social-security": "benefit-assessment",
    "transport-agency": "licence-renewal",
    "health-service": "health-card-issuance",
}


def demo_exchange_create() -> int:
    """The information mediator of Demoland: every agency a member; the population
    registry's person service; access for the systems that need it (the tax agency's has
    none, so its look-up is refused), and each agency's applications system, with access
    to what its online services pre-fill and check (``applications_systems_connect``).
    Only into a database without members; returns the rights granted to applications
    systems."""
    if Member.objects.exists():
        return 0
    members = {
        agency.slug: Member.objects.create(
            agency=agency, instance="DEMO", member_class="GOV", member_code=agency.slug
        )
        for agency in Agency.objects.order_by("slug")
    }
    population = Subsystem.objects.create(
        member=members["civil-registry"],
        code="population",
        name={"en": "Population registry", "es": "Registro de población"},
    )
    person = DataService.objects.create(
        provider=population,
        code="population/person",
        name={"en": "A person's name, birth and address", "es": "Nombre, nacimiento y domicilio"},
        response_schema=PERSON_SCHEMA,
        # The person's own application is a purpose the population registry serves too.
        purposes=sorted([*DEMO_PURPOSES.values(), OWN_APPLICATION]),
    )
    children = DataService.objects.create(
        provider=population,
        code="population/children",
        name={"en": "A person's children", "es": "Los hijos de una persona"},
        response_schema=SCHEMAS["population_children"],
        purposes=["benefit-assessment"],
    )
    clients = {}
    for slug, (code, name) in DEMO_CLIENTS.items():
        clients[slug] = Subsystem.objects.create(member=members[slug], code=code, name=name)
        if slug in DEMO_PURPOSES:
            access_right_grant(service=person, client=clients[slug])
    access_right_grant(service=children, client=clients["social-security"])
    # A bank on its own node: it may fetch a person's data only with their consent.
    bank_key = (
        Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    bank = Member.objects.create(
        instance="DEMO",
        member_class="COM",
        member_code="demobank",
        name={"en": "Demobank", "es": "Demobanco"},
        public_key=base64.b64encode(bank_key).decode(),
    )
    loans = Subsystem.objects.create(
        member=bank, code="loans", name={"en": "Loans", "es": "Préstamos"}
    )
    access_right_grant(service=person, client=loans)
    loan_check = ConsentPurpose.objects.create(
        recipient=bank,
        code="loan-application",
        name={
            "en": "Checking your name, date of birth and address when you apply for a loan",
            "es": "Comprobar su nombre, fecha de nacimiento y domicilio al pedir un préstamo",
        },
        max_days=365,
    )
    loan_check.services.add(person)
    return applications_systems_connect()


def demo_lookups_create() -> int:
    """Look-ups for the demo resident's open cases by the agencies' own systems, and one
    refused (the tax agency's system has no access), so that their data tracker shows
    what each looks like. Only once; returns the look-ups made."""
    resident = User.objects.filter(email=RESIDENT_EMAIL).first()
    if resident is None or not resident.national_id:
        return 0
    subject = subject_reference(national_id=resident.national_id)
    if Call.objects.filter(subject=subject, application=None).exists():
        return 0
    clients: dict[str, Subsystem] = {}
    systems = Subsystem.objects.filter(member__agency__slug__in=DEMO_CLIENTS)
    for client in systems.select_related("member__agency"):
        agency = client.member.agency
        if agency is not None and DEMO_CLIENTS[agency.slug][0] == client.code:
            clients[agency.slug] = client
    if "tax-agency" not in clients:
        return 0
    made = 0
    cases = Case.objects.filter(applicant=resident, closed_at__isnull=True).select_related("agency")
    for case in cases:
        if case.agency.slug in DEMO_PURPOSES:
            exchange_call(
                client=clients[case.agency.slug],
                service_code="population/person",
                national_id=resident.national_id,
                purpose=DEMO_PURPOSES[case.agency.slug],
                case_reference=case.reference,
            )
            made += 1
    try:  # no access right: refused, and logged as refused for the tracker to show
        exchange_call(
            client=clients["tax-agency"],
            service_code="population/person",
            national_id=resident.national_id,
            purpose="income-check",
        )
    except ExchangeNotAllowedError:
        made += 1
    return made


def demo_applications_create(*, per_service: int = 14) -> int:
    """Applications in every state of each transactional service, so that queues, My
    Ventanilla and the numbers are not empty; made through the same services as real
    ones. The demo resident gets one waiting for their answer. Only into a database
    without applications."""
    if Application.objects.exists():
        return 0
    made = 0
    today = timezone.localdate()
    # Working-age adults, whom every demo service's eligibility rules accept.
    people = list(
        Person.objects.filter(
            birth_date__lte=_years_before(today, 18),
            birth_date__gt=_years_before(today, 60),
        )
        .exclude(national_id__in=User.objects.exclude(national_id=None).values("national_id"))
        .order_by("pk")[: per_service * len(DEMO_ANSWERS)]
    )
    demo_resident = User.objects.filter(email=RESIDENT_EMAIL).first()
    for slug, answers in DEMO_ANSWERS.items():
        service = PublicService.objects.filter(slug=slug, applies_online=True).first()
        if service is None:
            continue
        official = User.objects.get(
            email=f"official@{service.competent_agency.slug}.demoland.example"
        )
        roles = official_roles(official=official, agency=service.competent_agency)
        definition = service.definitions.get(version=service.version)
        paths = _paths_to_every_state(transaction_spec_for(definition).workflow)
        for index in range(per_service):
            path = paths[index % len(paths)]
            if demo_resident is not None and demo_resident.national_id and _waits(path, service):
                applicant, demo_resident = demo_resident, None  # one, waiting for them
            elif people:
                person = people.pop()
                applicant = resident_link_person(
                    user=User.objects.create_user(f"applicant-{person.pk}@demoland.example"),
                    person=person,
                )
            else:
                break
            application, case, _created = application_file(
                applicant=applicant,
                service=service,
                answers=answers,
                card_number=SANDBOX_CARD,
                # Most residents apply on the website; some through software (the API).
                channel=Channel.API if index % 5 == 4 else Channel.WEB,
            )
            assert case is not None  # noqa: S101 - submitted just now
            for action in path:
                case = case_transition(
                    case=case,
                    action=action.slug,
                    actor=official,
                    roles=roles,
                    reason=DEMO_REASONS["asked" if action.target in _waiting(service) else "why"]
                    if action.needs_reason
                    else "",
                )
            days_back = DEMO_BACKDATE_DAYS[index % len(DEMO_BACKDATE_DAYS)]
            if days_back and case.deadline:
                _backdate(case, application, days_back)
            made += 1
    return made


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


DEMO_REASONS = {
    "asked": "Please send the name and town of the school or workplace concerned.",
    "why": "The population registry does not confirm what the application says.",
}


def _paths_to_every_state(workflow: Workflow) -> list[list[Action]]:
    """For each state the workflow can reach, the shortest list of actions that gets a
    new case there (breadth-first from the first state)."""
    paths: dict[str, list[Action]] = {workflow.initial: []}
    queue = [workflow.initial]
    while queue:
        state = queue.pop(0)
        for action in workflow.actions:
            if state in action.sources and action.target not in paths:
                paths[action.target] = [*paths[state], action]
                queue.append(action.target)
    return list(paths.values())


def _waiting(service: PublicService) -> set[str]:
    spec = transaction_spec_for(service.definitions.get(version=service.version))
    return {slug for slug, state in spec.workflow.states.items() if state.waits_for_resident}


def _waits(path: list[Action], service: PublicService) -> bool:
    return bool(path) and path[-1].target in _waiting(service)


def _backdate(case: Case, application: Application, working_days: int) -> None:
    """Move a demo case's dates into the past, as if it had been waiting that long."""
    calendar = working_calendar()
    day = timezone.localdate()
    for _ in range(working_days):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    shift = timezone.localdate() - day
    Case.objects.filter(pk=case.pk).update(
        created_at=F("created_at") - shift, deadline=F("deadline") - shift
    )
    case.events.update(at=F("at") - shift)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=F("submitted_at") - shift,
        decision_expected_by=F("decision_expected_by") - shift,
    )


DEMO_INSIGHTS_DAYS = 30


def demo_offline_counts_create() -> int:
    """What Demoland's counters, phone lines and post rooms recorded on each working day
    of the last month, for the services with those channels (the same numbers every
    time). Written in bulk, then folded once, rather than one ``offline_count_record``
    (and one fold) per row."""
    chance = random.Random(6)  # noqa: S311 - demo numbers, not secrets
    today = timezone.localdate()
    rows = []
    for service in PublicService.objects.filter(is_active=True).order_by("slug"):
        for channel, most in (("counter", 6), ("phone", 2), ("post", 1)):
            if channel not in service.channels:
                continue
            for back in range(1, DEMO_INSIGHTS_DAYS + 1):
                day = today - dt.timedelta(days=back)
                if day.weekday() < SATURDAY:
                    rows.append(
                        OfflineCount(
                            day=day,
                            service=service,
                            channel=channel,
                            count=chance.randint(0, most),
                            recorded_at=timezone.now(),
                        )
                    )
    OfflineCount.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def demo_load(
    *,
    residents: int = 1000,
    progress: Progress | None = None,
    say: Callable[[str], None] | None = None,
) -> DemoReport:
    """Load Demoland: catalogue, ``residents`` synthetic people, demo sign-ins."""
    if not settings.EMBEDDED:
        raise ValidationError(
            "The demo government creates accounts with published passwords: it is only "
            "loaded in VENTANILLA_MODE=embedded.",
            field="VENTANILLA_MODE",
        )
    catalogue = catalogue_load(directory=settings.VENTANILLA_CATALOGUE_DIR, progress=say)
    filled = residents_generate(count=residents, progress=progress)
    demo_accounts_create()
    demo_exchange_create()  # first: the demo's applications fetch through the mediator
    demo_applications_create()
    demo_lookups_create()
    demo_offline_counts_create()
    facts_fold_since(since=timezone.localdate() - dt.timedelta(days=DEMO_INSIGHTS_DAYS))
    ledger_checkpoint()  # the demo's cases are in the ledger: sign them at once
    return DemoReport(
        agencies=catalogue.agencies,
        services=catalogue.services,
        events=catalogue.events,
        residents_created=filled.residents,
        companies_created=filled.companies,
        parcels_created=filled.parcels,
        vehicles_created=filled.vehicles,
        sign_ins=demo_sign_ins(),
    )
