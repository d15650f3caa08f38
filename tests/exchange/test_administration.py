"""Administration of the exchange: the central digital office sees the whole exchange
(members, systems, data services, rights, calls and why calls did not complete); a
member's administrators add their systems and switch them off and on, each change
recorded in the ledger; a switched-off system's calls are refused."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation

from tests import factories
from tests.exchange.test_xroad import _signed
from ventanilla.casework.models import Case
from ventanilla.core.errors import (
    ExchangeNoLegalBasisError,
    ExchangeNotAllowedError,
    ExchangeProviderFailedError,
    ExchangeSubsystemInactiveError,
    ValidationError,
)
from ventanilla.exchange.models import AccessRight, Call, DataService, Subsystem
from ventanilla.exchange.selectors import CallCounts, exchange_overview_for_government
from ventanilla.exchange.services import (
    access_right_grant,
    exchange_call,
    subsystem_create,
    subsystem_deactivate,
    subsystem_reactivate,
)
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency, User
from ventanilla.identity.permissions import official_is_central_office
from ventanilla.ledger.models import Entry
from ventanilla.ledger.pseudonyms import official_reference

pytestmark = pytest.mark.django_db

GOVERNMENT = "/en/backoffice/exchange/"
SYSTEMS = "/en/backoffice/treasury/exchange/systems/"


@pytest.fixture
def office(settings: Any, mediator: dict[str, Any]) -> Agency:
    """The central digital office: an agency of its own, named in the settings."""
    settings.VENTANILLA_CENTRAL_OFFICE = "digital-office"
    return Agency.objects.create(
        slug="digital-office", name={"en": "Test Digital Office", "es": "Oficina Digital"}
    )


def _signed_in(agency: Agency, role: Role = Role.CASEWORKER, *, totp: bool = True) -> Client:
    official, _secret = factories.official(agency=agency, role=role, totp=totp)
    client = Client()
    client.force_login(official)
    return client


def _refused(call: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()


@pytest.fixture
def calls(mediator: dict[str, Any], case: Case) -> dict[str, Subsystem]:
    """By hand, through the mediator: the treasury's benefits system gets data twice,
    is refused once for want of a legal basis and fails once (a service nobody answers);
    its pensions system, with no access right, is refused twice, once 10 days ago."""
    benefits = mediator["client"]
    pensions = Subsystem.objects.create(
        member=mediator["treasury"], code="pensions", name={"en": "Pensions"}
    )
    missing = DataService.objects.create(
        provider=mediator["service"].provider,
        code="population/missing",
        name={"en": "Nobody answers"},
        response_schema={"type": "object"},
        purposes=["benefit-assessment"],
    )
    access_right_grant(service=missing, client=benefits)
    national_id = case.applicant.national_id

    def call(client: Subsystem, service: str = "population/person", **kwargs: Any) -> Any:
        return exchange_call(
            client=client,
            service_code=service,
            national_id=national_id,
            purpose="benefit-assessment",
            **kwargs,
        )

    for _ in range(2):
        call(benefits, case_reference=case.reference)
    _refused(lambda: call(benefits), ExchangeNoLegalBasisError)
    _refused(
        lambda: call(benefits, "population/missing", case_reference=case.reference),
        ExchangeProviderFailedError,
    )
    for _ in range(2):
        _refused(lambda: call(pensions), ExchangeNotAllowedError)
    old = Call.objects.filter(client=pensions).order_by("pk").first()
    assert old is not None
    Call.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=10))
    return {"benefits": benefits, "pensions": pensions}


def test_the_central_office_counts_the_calls_per_service_per_system_and_per_reason(
    office: Agency,
    calls: dict[str, Subsystem],
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(7):
        month = exchange_overview_for_government(days=30)
    assert month.totals == CallCounts(completed=2, refused=3, failed=1)
    assert [(row.of.code, row.counts) for row in month.by_service] == [
        ("population/missing", CallCounts(failed=1)),
        ("population/person", CallCounts(completed=2, refused=3)),
    ]
    assert [(str(row.of), row.counts) for row in month.by_client] == [
        ("TEST/GOV/treasury/benefits", CallCounts(completed=2, refused=1, failed=1)),
        ("TEST/GOV/treasury/pensions", CallCounts(refused=2)),
    ]
    assert [(row.reason, row.outcome, row.calls) for row in month.reasons] == [
        ("not_allowed", "refused", 2),
        ("no_legal_basis", "refused", 1),
        ("provider_failed", "failed", 1),
    ]
    week = exchange_overview_for_government(days=7)
    assert week.totals == CallCounts(completed=2, refused=2, failed=1)
    assert [(row.reason, row.calls) for row in week.reasons] == [
        ("no_legal_basis", 1),
        ("not_allowed", 1),
        ("provider_failed", 1),
    ]
    with pytest.raises(ValidationError, match=r"Choose a period of 7 or 30 days\."):
        exchange_overview_for_government(days=365)


def test_the_central_office_page_shows_the_figures_rights_services_and_members(
    office: Agency,
    calls: dict[str, Subsystem],
    django_assert_max_num_queries: Any,
) -> None:
    client = _signed_in(office)
    with django_assert_max_num_queries(15):
        response = client.get(GOVERNMENT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Calls in the last 30 days" in html
    numeric = '<td class="table__cell--numeric">'
    assert (
        '<th scope="row"><code class="code">population/person</code></th><td>Test Registry</td>'
        + "".join(f"{numeric}{n}</td>" for n in (2, 3, 0, 5))
    ) in html
    assert (
        '<th scope="row" colspan="2">All data services</th>'
        + "".join(f"{numeric}{n}</td>" for n in (2, 3, 1, 6))
    ) in html
    assert (
        '<th scope="row"><code class="code">TEST/GOV/treasury/pensions</code></th>'
        "<td>Test Treasury</td>" + "".join(f"{numeric}{n}</td>" for n in (0, 2, 0, 2))
    ) in html
    assert (
        '<th scope="row">The system that asked has no access to this data.</th>'
        f"<td>Refused</td>{numeric}2</td>"
    ) in html
    assert (
        f'<th scope="row">The registry could not answer.</th><td>Failed</td>{numeric}1</td>'
    ) in html
    # the live rights: benefits may fetch both services, set up without an official
    assert html.count("<td>Set up with the system</td>") == 2
    assert '<code class="code">benefit-assessment</code>' in html
    assert (
        '<td><code class="code">TEST/GOV/registry</code></td><td><code class="code">population</code></td>'
        in html
    )
    assert '<code class="code">benefits</code>, <code class="code">pensions</code>' in html

    week = client.get(GOVERNMENT, {"days": "7"}).content.decode()
    assert "Calls in the last 7 days" in week
    assert '<option value="7" selected>Last 7 days</option>' in week
    assert (
        '<th scope="row" colspan="2">All data services</th>'
        + "".join(f"{numeric}{n}</td>" for n in (2, 2, 1, 5))
    ) in week
    # a period that is not offered shows the default one
    assert "Calls in the last 30 days" in client.get(GOVERNMENT, {"days": "3"}).content.decode()


def test_the_central_office_page_says_plainly_when_there_is_nothing(office: Agency) -> None:
    Call.objects.all().delete()
    html = _signed_in(office).get(GOVERNMENT).content.decode()
    assert "No system called any data service in this period." in html
    assert "All data services" not in html


def test_only_the_central_office_sees_the_whole_exchange(
    office: Agency, mediator: dict[str, Any]
) -> None:
    registry = Agency.objects.get(slug="registry")
    admin = _signed_in(registry, Role.AGENCY_ADMIN)
    response = admin.get(GOVERNMENT)
    assert response.status_code == 403
    assert "Only the central digital office sees the whole data exchange." in (
        response.content.decode()
    )
    assert "Data exchange across government" not in admin.get("/en/backoffice/").content.decode()

    without_totp = _signed_in(office, totp=False).get(GOVERNMENT)
    assert without_totp.status_code == 302
    assert without_totp["Location"] == "/en/accounts/2fa/totp/activate/"

    resident = Client()
    resident.force_login(factories.resident())
    assert resident.get(GOVERNMENT).status_code == 403
    assert Client().get(GOVERNMENT)["Location"].startswith("/en/accounts/login/")

    central = _signed_in(office)
    assert "Data exchange across government" in central.get("/en/backoffice/").content.decode()


def test_nobody_is_the_central_office_on_a_node_without_its_agency(
    settings: Any, office: Agency
) -> None:
    official, _secret = factories.official(agency=office)
    assert official_is_central_office(user=official)
    settings.VENTANILLA_CENTRAL_OFFICE = "no-such-agency"
    assert not official_is_central_office(user=official)


def _ledger(kind: str) -> list[dict[str, Any]]:
    return [json.loads(entry.data) for entry in Entry.objects.filter(kind=kind).order_by("pk")]


def test_a_members_administrator_adds_a_system_and_the_ledger_records_it(
    mediator: dict[str, Any],
) -> None:
    admin, _secret = factories.official(
        agency=Agency.objects.get(slug="treasury"), role=Role.AGENCY_ADMIN
    )
    client = Client()
    client.force_login(admin)
    response = client.post(
        SYSTEMS, {"code": "tax-returns", "name_en": " Tax returns ", "name_es": "Declaraciones"}
    )
    assert response.status_code == 302
    assert response["Location"] == SYSTEMS
    added = Subsystem.objects.get(member=mediator["treasury"], code="tax-returns")
    assert added.name == {"en": "Tax returns", "es": "Declaraciones"}
    assert added.active
    (record,) = _ledger("exchange.subsystem.created")
    assert record["agency"] == "treasury"
    assert record["body"] == {
        "subsystem": "TEST/GOV/treasury/tax-returns",
        "actor": official_reference(user_id=admin.pk),
    }
    html = client.get(SYSTEMS).content.decode()
    assert "tax-returns is added. The agencies that provide data can now give it access." in html
    assert '<th scope="row"><code class="code">tax-returns</code></th><td>Tax returns</td>' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": ""}, "code", "Enter the system&#x27;s code."),
        ({"code": "tax returns"}, "code", "The code can only have letters A to Z"),
        ({"code": "pensión"}, "code", "The code can only have letters A to Z"),
        ({"code": "-pensions"}, "code", "The code can only have letters A to Z"),
        ({"code": "a/b"}, "code", "The code can only have letters A to Z"),
        ({"code": "x" * 81}, "code", "The code can only have letters A to Z"),
        (
            {"code": "benefits"},
            "code",
            "Test Treasury already has a system with the code benefits.",
        ),
        (
            {"code": "Benefits"},
            "code",
            "Test Treasury already has a system with the code Benefits.",
        ),
        ({"code": "pensions", "name_en": " "}, "name_en", "Enter the system&#x27;s name."),
        (
            {"code": "pensions", "name_es": "x" * 201},
            "name_es",
            "The name must be 200 characters or fewer.",
        ),
    ],
)
def test_a_bad_or_taken_code_gets_the_fields_error_and_nothing_is_written(
    mediator: dict[str, Any], data: dict[str, str], field: str, message: str
) -> None:
    client = _signed_in(Agency.objects.get(slug="treasury"), Role.AGENCY_ADMIN)
    before = (Subsystem.objects.count(), Entry.objects.count())
    response = client.post(SYSTEMS, {"name_en": "Pensions", **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<ul class="error-summary__list"><li><a href="#{field}">{message}' in html
    assert f'<span class="error-message" id="{field}-error">' in html
    assert f'id="{field}" name="{field}" value="{data.get(field, "Pensions")}"' in html
    assert "<title>Error: Your systems" in html
    assert (Subsystem.objects.count(), Entry.objects.count()) == before


def test_subsystem_codes_follow_x_road_and_are_unique_in_the_member(
    mediator: dict[str, Any],
) -> None:
    treasury = mediator["treasury"]
    made = subsystem_create(member=treasury, code="Tax.returns-2", name={"en": "Tax returns"})
    assert str(made) == "TEST/GOV/treasury/Tax.returns-2"
    with pytest.raises(ValidationError) as raised:
        subsystem_create(member=treasury, code="tax.RETURNS-2", name={"en": "Again"})
    assert (raised.value.field, raised.value.message) == (
        "code",
        "Test Treasury already has a system with the code tax.RETURNS-2.",
    )
    # another member may use the same code
    registry = mediator["service"].provider.member
    assert subsystem_create(member=registry, code="benefits", name={"en": "B"}).code == "benefits"


def test_only_the_members_administrators_manage_its_systems(mediator: dict[str, Any]) -> None:
    treasury, registry = (Agency.objects.get(slug=slug) for slug in ("treasury", "registry"))
    benefits = mediator["client"]
    caseworker = _signed_in(treasury)
    page = caseworker.get(SYSTEMS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Add a system" not in html
    assert "Switch off" not in html
    assert caseworker.post(SYSTEMS, {"deactivate": str(benefits.pk)}).status_code == 403
    assert caseworker.post(SYSTEMS, {"code": "pensions", "name_en": "P"}).status_code == 403

    other_admin = _signed_in(registry, Role.AGENCY_ADMIN)
    theirs = "/en/backoffice/registry/exchange/systems/"
    assert other_admin.post(theirs, {"deactivate": str(benefits.pk)}).status_code == 404
    assert other_admin.post(theirs, {"reactivate": str(benefits.pk)}).status_code == 404
    assert other_admin.post(theirs, {"deactivate": "not-a-number"}).status_code == 404
    assert other_admin.get(SYSTEMS).status_code == 403
    assert other_admin.post(SYSTEMS, {"deactivate": str(benefits.pk)}).status_code == 403
    benefits.refresh_from_db()
    assert benefits.active
    assert not Entry.objects.filter(kind__startswith="exchange.subsystem").exists()


def test_an_agency_outside_the_exchange_is_told_so(small_catalogue: Any) -> None:
    client = _signed_in(Agency.objects.get(slug="treasury"), Role.AGENCY_ADMIN)
    html = client.get(SYSTEMS).content.decode()
    assert "This agency does not take part in the data exchange yet." in html
    assert client.post(SYSTEMS, {"code": "pensions", "name_en": "P"}).status_code == 404


def test_the_systems_page_lists_what_each_system_may_fetch_in_a_few_queries(
    mediator: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for code in ("pensions", "grants", "loans"):
        Subsystem.objects.create(member=mediator["treasury"], code=code, name={"en": code})
        access_right_grant(service=mediator["service"], client=Subsystem.objects.get(code=code))
    client = _signed_in(Agency.objects.get(slug="treasury"), Role.AGENCY_ADMIN)
    with django_assert_max_num_queries(12):
        response = client.get(SYSTEMS)
    html = response.content.decode()
    for code in ("benefits", "pensions", "grants", "loans"):
        assert (
            f'<tr><th scope="row"><code class="code">{code}</code></th>'
            '<td><code class="code">population/person</code></td><td>Test Registry</td>'
        ) in html


def test_a_switched_off_system_is_refused_until_switched_on_again(
    mediator: dict[str, Any], case: Case
) -> None:
    admin = _signed_in(Agency.objects.get(slug="treasury"), Role.AGENCY_ADMIN)
    benefits = mediator["client"]
    response = admin.post(SYSTEMS, {"deactivate": str(benefits.pk)})
    assert response.status_code == 302
    benefits.refresh_from_db()
    assert not benefits.active

    def call() -> Any:
        return exchange_call(
            client=benefits,
            service_code="population/person",
            national_id=case.applicant.national_id,
            purpose="benefit-assessment",
            case_reference=case.reference,
        )

    with pytest.raises(ExchangeSubsystemInactiveError) as raised:
        call()
    assert raised.value.message == "TEST/GOV/treasury/benefits is switched off by its member."
    refused = Call.objects.get()
    assert (refused.outcome, refused.reason) == ("refused", "client_inactive")
    assert Entry.objects.get(pk=refused.ledger_index).kind == "exchange.call.refused"
    html = admin.get(SYSTEMS).content.decode()
    assert "benefits is switched off: the mediator refuses its calls." in html
    assert '<strong class="tag tag--red">Switched off</strong>' in html

    again = admin.post(SYSTEMS, {"deactivate": str(benefits.pk)})
    assert again.status_code == 400
    assert '<a href="#subsystem">This system is already switched off.</a>' in (
        again.content.decode()
    )

    assert admin.post(SYSTEMS, {"reactivate": str(benefits.pk)}).status_code == 302
    benefits.refresh_from_db()
    assert call().call.outcome == "completed"
    kinds = list(
        Entry.objects.filter(kind__startswith="exchange.subsystem").values_list("kind", flat=True)
    )
    assert kinds == ["exchange.subsystem.deactivated", "exchange.subsystem.reactivated"]
    # the ledger names the system and a pseudonym of the official, nothing more
    for record in _ledger("exchange.subsystem.deactivated"):
        assert set(record["body"]) == {"subsystem", "actor"}


def test_switching_a_system_off_or_on_twice_is_refused(mediator: dict[str, Any]) -> None:
    benefits = mediator["client"]
    subsystem_deactivate(subsystem=benefits)
    with pytest.raises(ValidationError, match=r"This system is already switched off\."):
        subsystem_deactivate(subsystem=benefits)
    subsystem_reactivate(subsystem=benefits)
    with pytest.raises(ValidationError, match=r"This system is already switched on\."):
        subsystem_reactivate(subsystem=benefits)


def test_the_demo_central_office_official_sees_the_whole_exchange(settings: Any) -> None:
    from ventanilla.demo.services import demo_load, demo_sign_ins

    demo_load(residents=5)
    official = User.objects.get(email="official@digital-office.demoland.example")
    assert settings.VENTANILLA_CENTRAL_OFFICE == "digital-office"
    assert official_is_central_office(user=official)
    assert any(s.who == "central digital office" for s in demo_sign_ins())
    client = Client()
    client.force_login(official)
    html = client.get(GOVERNMENT).content.decode()
    assert '<code class="code">DEMO/COM/demobank</code>' in html
    # every right the demo set up (none granted by a person) is listed, each once
    set_up = AccessRight.objects.filter(granted_by=None, revoked_at=None).count()
    assert set_up > 5  # the population registry's and the applications systems' rights
    assert html.count("<td>Set up with the system</td>") == set_up


def test_a_switched_off_system_calling_the_x_road_way_is_denied_access(
    mediator: dict[str, Any], case: Case
) -> None:
    subsystem_deactivate(subsystem=mediator["client"])
    path, headers = _signed(mediator["client"], case.applicant.national_id, issue=case.reference)
    response = Client().get(path, headers=headers)
    assert response.status_code == 403
    assert response.json()["type"] == "Server.ServerProxy.AccessDenied"
    assert response.json()["message"] == (
        "TEST/GOV/treasury/benefits is switched off by its member."
    )
    assert Call.objects.get().reason == "client_inactive"


def test_call_counts_are_written_with_the_languages_digit_grouping() -> None:
    counts = CallCounts(completed=12345, refused=1, failed=0)
    with translation.override("en"):
        html = render_to_string("backoffice/_call_counts.html", {"counts": counts})
    assert html == (
        '<td class="table__cell--numeric">12,345</td><td class="table__cell--numeric">1</td>'
        '<td class="table__cell--numeric">0</td><td class="table__cell--numeric">12,346</td>'
    )
    with translation.override("es"):
        html = render_to_string("backoffice/_call_counts.html", {"counts": counts})
    assert '<td class="table__cell--numeric">12\xa0345</td>' in html  # Spanish: a space
