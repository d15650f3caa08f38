from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests import factories
from ventanilla.core.errors import PermissionDeniedError
from ventanilla.identity.enums import Role
from ventanilla.identity.models import Agency
from ventanilla.identity.permissions import official_may_act
from ventanilla.identity.selectors import agency_get_for_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(small_catalogue: Path) -> tuple[Agency, Agency]:
    return Agency.objects.get(slug="registry"), Agency.objects.get(slug="treasury")


def test_an_official_of_one_agency_cannot_act_as_another_agencys_official(
    agencies: tuple[Agency, Agency],
) -> None:
    registry, treasury = agencies
    official, _secret = factories.official(agency=registry)

    assert official_may_act(user=official, agency=registry)
    assert not official_may_act(user=official, agency=treasury)
    with pytest.raises(PermissionDeniedError) as raised:
        agency_get_for_official(user=official, slug="treasury")
    assert raised.value.message == "You are not an official of Test Treasury."


def test_a_role_is_needed_when_one_is_asked_for(agencies: tuple[Agency, Agency]) -> None:
    registry, _treasury = agencies
    official, _secret = factories.official(agency=registry, role=Role.CASEWORKER)
    assert official_may_act(user=official, agency=registry, role=Role.CASEWORKER)
    assert not official_may_act(user=official, agency=registry, role=Role.APPROVER)


def test_an_official_without_an_authenticator_may_not_act(agencies: tuple[Agency, Agency]) -> None:
    registry, _treasury = agencies
    official, _secret = factories.official(agency=registry, totp=False)
    assert not official_may_act(user=official, agency=registry)


def test_the_back_office_of_another_agency_is_forbidden(
    client: Client, agencies: tuple[Agency, Agency]
) -> None:
    registry, _treasury = agencies
    official, _secret = factories.official(agency=registry)
    client.force_login(official)

    own = client.get("/en/backoffice/registry/")
    assert own.status_code == 200
    assert "Get a birth certificate" in own.content.decode()
    other = client.get("/en/backoffice/treasury/")
    assert other.status_code == 403
    assert "You are not an official of Test Treasury." in other.content.decode()
    assert client.get("/en/backoffice/nowhere/").status_code == 404


def test_an_official_without_an_authenticator_is_sent_to_set_one_up(
    client: Client, agencies: tuple[Agency, Agency]
) -> None:
    registry, _treasury = agencies
    official, _secret = factories.official(agency=registry, totp=False)
    client.force_login(official)
    response = client.get("/en/backoffice/registry/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/totp/activate/"


def test_a_resident_cannot_open_the_back_office(client: Client, small_catalogue: Path) -> None:
    client.force_login(factories.resident())
    assert client.get("/en/backoffice/").status_code == 403
    assert client.get("/en/backoffice/registry/").status_code == 403


def test_the_back_office_needs_sign_in(client: Client, small_catalogue: Path) -> None:
    response = client.get("/en/backoffice/registry/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_the_back_office_home_lists_only_the_officials_agencies(
    client: Client, agencies: tuple[Agency, Agency]
) -> None:
    registry, _treasury = agencies
    official, _secret = factories.official(agency=registry)
    client.force_login(official)
    html = client.get("/en/backoffice/").content.decode()
    assert "Test Registry" in html
    assert "Test Treasury" not in html
