from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests import factories
from ventanilla.identity.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _signup(client: Client, **overrides: str):  # type: ignore[no-untyped-def]
    data = {
        "national_id": "",
        "birth_date": "1985-03-27",
        "email": "ana@test.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post("/en/accounts/signup/", data)


def _code(secret: str) -> str:
    return factories.totp_code(secret)


def test_a_resident_signs_up_with_national_id_verifies_the_email_and_sees_their_details(
    client: Client,
) -> None:
    person = factories.person(given_name="Lucía", family_name="Pérez")

    response = _signup(client, national_id=f"{person.national_id[:3]} {person.national_id[3:]}")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.MULTILINE)
    assert code, mail.outbox[0].body

    response = client.post("/en/accounts/confirm-email/", {"code": code.group(1)})
    assert response.status_code == 302

    user = User.objects.get(email="ana@test.example")
    assert user.national_id == person.national_id
    assert user.display_name == "Lucía Pérez"

    client.logout()
    response = client.post(
        "/en/accounts/login/", {"login": "ana@test.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/my/"
    html = client.get("/en/my/").content.decode()
    assert "Lucía Pérez" in html
    assert person.national_id in html
    assert "27 March 1985" in html
    assert "Calle Mayor 1" in html
    assert "27 de marzo de 1985" in client.get("/es/my/").content.decode()
    assert "You have no applications yet." in html
    assert "You have no messages." in html


def test_my_ventanilla_needs_sign_in(client: Client) -> None:
    response = client.get("/en/my/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize(
    ("national_id", "message"),
    [
        ("", "This field is required."),
        ("12345", "A national id number has 10 digits; you entered 5."),
        (
            "1234567890",
            "This national id number is not valid: check that you typed every digit right.",
        ),
        (
            "1234567897",
            "We could not find this national id number with this date of birth in the population registry. Check both.",
        ),
    ],
)
def test_sign_up_refuses_a_bad_national_id_and_names_the_field(
    client: Client, national_id: str, message: str
) -> None:
    response = _signup(client, national_id=national_id)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'<a href="#id_national_id">{message}</a>' in html.replace("&#x27;", "'")
    assert not User.objects.exists()


def test_sign_up_needs_the_registry_date_of_birth(client: Client) -> None:
    person = factories.person()
    response = _signup(client, national_id=person.national_id, birth_date="1990-01-01")
    assert "We could not find this national id number" in response.content.decode()
    assert not User.objects.exists()


def test_one_account_per_national_id(client: Client) -> None:
    person = factories.person()
    factories.resident(registry_person=person)
    response = _signup(client, national_id=person.national_id, email="other@test.example")
    assert "An account already exists for this national id number. Sign in instead." in (
        response.content.decode()
    )
    assert User.objects.count() == 1


def test_an_id_number_alone_does_not_reveal_whether_its_holder_has_an_account(
    client: Client,
) -> None:
    person = factories.person()
    factories.resident(registry_person=person)
    html = _signup(
        client, national_id=person.national_id, birth_date="1990-01-01", email="x@test.example"
    ).content.decode()
    assert "An account already exists" not in html
    assert "We could not find this national id number with this date of birth" in html


def test_failed_sign_ins_are_rate_limited(client: Client) -> None:
    factories.resident(email="ana@test.example", password=PASSWORD)
    limited = "Too many failed login attempts. Try again later."
    for _ in range(5):
        response = client.post(
            "/en/accounts/login/", {"login": "ana@test.example", "password": "wrong one"}
        )
        assert (
            "The email address and/or password you specified are not correct."
            in response.content.decode()
        )
    response = client.post(
        "/en/accounts/login/", {"login": "ana@test.example", "password": "wrong one"}
    )
    assert limited in response.content.decode()
    # Even the right password waits until the limit passes.
    response = client.post(
        "/en/accounts/login/", {"login": "ana@test.example", "password": PASSWORD}
    )
    assert limited in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_official_signs_in_with_password_and_authenticator_code(
    client: Client, small_catalogue: object
) -> None:
    from ventanilla.identity.models import Agency

    official, secret = factories.official(agency=Agency.objects.get(slug="registry"))
    official.set_password(PASSWORD)
    official.save()

    response = client.post("/en/accounts/login/", {"login": official.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert client.get("/en/my/").status_code == 302  # not signed in yet

    response = client.post("/en/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/en/my/").status_code == 302

    response = client.post("/en/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/en/backoffice/"  # officials start in the back office
    assert client.get("/en/backoffice/registry/").status_code == 200


def test_the_sign_in_page_speaks_plainly_and_has_no_placeholders(client: Client) -> None:
    html = client.get("/en/accounts/login/").content.decode()
    assert "<h1" in html and ">Sign in</h1>" in html.replace("\n", "").replace("  ", "")
    assert "Keep me signed in on this device" in html
    assert "placeholder=" not in html
    assert "Iniciar sesión" in client.get("/es/accounts/login/").content.decode()


def test_a_resident_can_turn_on_an_authenticator_app(client: Client) -> None:
    resident = factories.resident(password=PASSWORD)
    client.post("/en/accounts/login/", {"login": resident.email, "password": PASSWORD})
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/en/accounts/reauthenticate/")  # confirm who you are
    client.post("/en/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert resident.authenticator_set.filter(type="totp").exists()


def test_totp_secrets_are_encrypted_at_rest() -> None:
    resident = factories.resident()
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(resident, "JBSWY3DPEHPK3PXP")
    stored = resident.authenticator_set.get().data["secret"]
    assert "JBSWY3DPEHPK3PXP" not in stored
