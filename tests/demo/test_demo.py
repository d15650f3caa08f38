from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ventanilla.catalogue.enums import EventKind
from ventanilla.catalogue.models import Event, PublicService
from ventanilla.core import national_id
from ventanilla.demo.registries import RegistriesFilled
from ventanilla.demo.services import (
    DEMO_TOTP_SECRET,
    RESIDENT_EMAIL,
    demo_load,
    demo_sign_ins,
    residents_generate,
)
from ventanilla.identity.models import Agency, User
from ventanilla.identity.permissions import official_has_mfa
from ventanilla.registries.models import Company, Person

pytestmark = pytest.mark.django_db

# The services the UN Online Services Index looks for, by the slugs Demoland gives them.
OSI_SERVICES = {
    "birth-certificate",
    "marriage-certificate",
    "death-certificate",
    "national-id-card",
    "driving-licence",
    "business-registration",
    "business-licence",
    "building-permit",
    "land-registration",
    "income-tax-return",
    "government-job-application",
}


def test_demoland_has_the_agencies_events_and_services_it_promises() -> None:
    report = demo_load(residents=20)

    assert report.agencies >= 6
    assert report.events >= 12
    assert report.services >= 30
    agencies = set(Agency.objects.values_list("slug", flat=True))
    assert {"civil-registry", "tax-agency", "business-registry", "transport-agency",
            "social-security", "port-demo-city"} <= agencies  # fmt: skip
    assert Event.objects.filter(kind=EventKind.LIFE).exists()
    assert Event.objects.filter(kind=EventKind.BUSINESS).exists()
    services = set(PublicService.objects.values_list("slug", flat=True))
    assert services >= OSI_SERVICES, OSI_SERVICES - services
    assert PublicService.objects.filter(slug__contains="benefit").exists()


def test_every_demo_text_is_in_english_and_spanish() -> None:
    demo_load(residents=1)
    for service in PublicService.objects.all():
        for field in ("name", "description", "eligibility", "output"):
            texts = getattr(service, field)
            assert texts.get("en") and texts.get("es"), (service.slug, field)
    for event in Event.objects.all():
        assert event.name.get("es") and event.description.get("es"), event.slug


def test_residents_are_synthetic_with_valid_national_ids() -> None:
    assert residents_generate(count=300).residents == 300
    numbers = list(Person.objects.values_list("national_id", flat=True))
    assert len(set(numbers)) == 300
    assert all(national_id.is_valid(number) for number in numbers)


def test_a_registry_that_has_people_is_left_alone() -> None:
    residents_generate(count=10)
    companies = Company.objects.count()
    assert residents_generate(count=50) == RegistriesFilled()
    assert Person.objects.count() == 10
    assert Company.objects.count() == companies


@pytest.mark.parametrize("count", [0, -5, 1_000_001])
def test_the_number_of_residents_is_bounded(count: int) -> None:
    with pytest.raises(Exception, match="between 1 and 1,000,000"):
        residents_generate(count=count)
    assert not Person.objects.exists()


def test_demo_sign_ins_work_and_officials_have_an_authenticator() -> None:
    demo_load(residents=5)
    resident = User.objects.get(email=RESIDENT_EMAIL)
    assert resident.check_password("demoland-resident")
    assert Person.objects.filter(national_id=resident.national_id).exists()

    sign_ins = demo_sign_ins()
    assert sign_ins[0].email == RESIDENT_EMAIL
    officials = [s for s in sign_ins if s.totp]
    # one per agency, a second (approver) for the city's building permits, and the admin
    assert len(officials) == Agency.objects.count() + 2
    for sign_in in officials:
        user = User.objects.get(email=sign_in.email)
        assert user.check_password(sign_in.password)
        assert official_has_mfa(user)
    assert len(DEMO_TOTP_SECRET) % 8 == 0


def test_loading_the_demo_twice_is_harmless() -> None:
    demo_load(residents=5)
    counts = (User.objects.count(), Person.objects.count(), PublicService.objects.count())
    demo_load(residents=5)
    assert (User.objects.count(), Person.objects.count(), PublicService.objects.count()) == counts


def test_the_demo_command_reports_what_it_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", residents=25)
    out = capsys.readouterr().out
    assert "25 residents created, with 62 companies, " in out
    assert out.startswith("Demoland: ")


def test_the_demo_command_refuses_a_bad_count() -> None:
    with pytest.raises(CommandError, match="between 1 and 1,000,000"):
        call_command("demo", residents=0)


def test_the_demo_has_applications_in_every_state(db: None) -> None:
    from ventanilla.applications.models import Application
    from ventanilla.casework.models import Case
    from ventanilla.demo.services import demo_load

    demo_load(residents=300)

    states = set(Case.objects.values_list("state", flat=True))
    assert states == {"received", "in-review", "more-information", "approved", "rejected"}
    assert Case.objects.filter(deadline__lt=timezone.localdate()).exists()  # some overdue
    resident = User.objects.get(email="resident@demoland.example")
    assert Case.objects.get(applicant=resident).state == "more-information"
    before = Application.objects.count()
    demo_load(residents=300)
    assert Application.objects.count() == before


def test_building_permits_need_two_officials_in_the_demo(db: None) -> None:
    from ventanilla.demo.services import demo_load

    demo_load(residents=50)
    city = Agency.objects.get(slug="port-demo-city")
    roles = {
        email: set(
            User.objects.get(email=email)
            .memberships.filter(agency=city)
            .values_list("role", flat=True)
        )
        for email in (
            "official@port-demo-city.demoland.example",
            "approver@port-demo-city.demoland.example",
        )
    }
    assert "approver" not in roles["official@port-demo-city.demoland.example"]
    assert roles["approver@port-demo-city.demoland.example"] == {"approver"}


def test_every_demo_service_that_needs_registry_data_gets_it_through_the_mediator(
    db: None,
) -> None:
    from ventanilla.applications.models import Evidence
    from ventanilla.catalogue.selectors import transaction_spec_for
    from ventanilla.exchange.models import AccessRight, Call

    demo_load(residents=300)

    needing = []
    for service in PublicService.objects.filter(applies_online=True):
        spec = transaction_spec_for(service.definitions.get(version=service.version))
        for code in spec.evidence:
            needing.append(service.slug)
            assert AccessRight.objects.filter(
                service__code=code,
                client__code="applications",
                client__member__agency=service.competent_agency,
                revoked_at=None,
            ).exists(), (service.slug, code)
    assert {"child-benefit", "birth-certificate", "building-permit"} <= set(needing)
    # The demo's applications were made through the mediator, every look-up answered.
    assert Evidence.objects.exists()
    assert not Evidence.objects.filter(data=None).exists()
    own = Call.objects.filter(purpose="own-application")
    assert own.count() == Evidence.objects.count()
    assert set(own.values_list("outcome", flat=True)) == {"completed"}
