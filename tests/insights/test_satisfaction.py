"""One question after a decision: how satisfied, and an optional comment; one answer each."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.insights.conftest import decided, sent
from ventanilla.applications.models import Application
from ventanilla.catalogue.models import PublicService
from ventanilla.core.errors import NotFoundError, SatisfactionRefusedError, ValidationError
from ventanilla.insights.models import SatisfactionResponse
from ventanilla.insights.services import satisfaction_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(service: PublicService) -> Application:
    """An application sent and approved today."""
    application, case = sent(service, on=timezone.now())
    decided(case, action="approve", on=timezone.now())
    return application


@pytest.fixture
def client(application: Application) -> Client:
    client = Client()
    client.force_login(application.applicant)
    return client


def _url(application: Application) -> str:
    return reverse("insights:satisfaction", args=[application.public_id])


def test_the_applicant_answers_once_with_a_comment(application: Application) -> None:
    response = satisfaction_answer(
        application=application,
        applicant=application.applicant,
        answer="very_satisfied",
        comment="  Quick and clear.  ",
    )

    assert (response.answer, response.comment) == ("very_satisfied", "Quick and clear.")
    with pytest.raises(SatisfactionRefusedError) as raised:
        satisfaction_answer(
            application=application, applicant=application.applicant, answer="dissatisfied"
        )
    assert raised.value.message == (
        "You have already told us how satisfied you were with this application."
    )
    assert SatisfactionResponse.objects.get().answer == "very_satisfied"


def test_an_application_not_yet_decided_cannot_be_rated(service: PublicService) -> None:
    application, _case = sent(service, on=timezone.now())

    with pytest.raises(SatisfactionRefusedError) as raised:
        satisfaction_answer(
            application=application, applicant=application.applicant, answer="satisfied"
        )
    assert raised.value.message == (
        "You can tell us how satisfied you are once your application has been decided."
    )


def test_someone_else_cannot_rate_an_application(application: Application) -> None:
    with pytest.raises(NotFoundError):
        satisfaction_answer(
            application=application, applicant=factories.resident(), answer="satisfied"
        )
    assert not SatisfactionResponse.objects.exists()


@pytest.mark.parametrize(
    ("answer", "comment", "field", "message"),
    [
        ("delighted", "", "answer", "Select how satisfied you are."),
        ("satisfied", "x" * 1201, "comment", "Your comment must be 1200 characters or fewer."),
    ],
)
def test_a_wrong_answer_is_refused(
    application: Application, answer: str, comment: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        satisfaction_answer(
            application=application,
            applicant=application.applicant,
            answer=answer,
            comment=comment,
        )
    assert (raised.value.field, raised.value.message) == (field, message)


def test_the_decided_application_links_to_the_question_until_it_is_answered(
    application: Application, client: Client
) -> None:
    detail = reverse("applications:detail", args=[application.public_id])
    assert f'href="{_url(application)}"' in client.get(detail).content.decode()

    page = client.get(_url(application)).content.decode()
    assert "Overall, how did you feel about the service you received?" in page
    for label in (
        "Very satisfied",
        "Satisfied",
        "Neither satisfied nor dissatisfied",
        "Dissatisfied",
        "Very dissatisfied",
    ):
        assert f">{label}</label>" in page

    response = client.post(_url(application), {"answer": "satisfied", "comment": "Fine."})

    assert response.status_code == 302
    assert response["Location"] == _url(application)
    thanks = client.get(_url(application)).content.decode()
    assert "Thank you for your feedback" in thanks
    assert "You told us you were satisfied with this service." in thanks
    assert f'href="{_url(application)}"' not in client.get(detail).content.decode()
    again = client.post(_url(application), {"answer": "dissatisfied"})
    assert again.status_code == 200
    assert SatisfactionResponse.objects.get().answer == "satisfied"


def test_no_answer_shows_the_error_summary_linked_to_the_radios(
    application: Application, client: Client
) -> None:
    response = client.post(_url(application), {"answer": "", "comment": "x" * 1201})

    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error:" in page
    assert '<a href="#id_answer_0">Select how satisfied you are.</a>' in page
    assert '<a href="#id_comment">Your comment must be 1200 characters or fewer.</a>' in page
    assert not SatisfactionResponse.objects.exists()


def test_the_question_waits_for_the_decision(service: PublicService) -> None:
    application, _case = sent(service, on=timezone.now())
    client = Client()
    client.force_login(application.applicant)

    page = client.get(_url(application)).content.decode()
    assert "once your application has been decided" in page
    assert "<form" not in page.split("<main", 1)[-1]
    assert client.post(_url(application), {"answer": "satisfied"}).status_code == 200
    assert not SatisfactionResponse.objects.exists()


def test_another_residents_question_is_not_found(application: Application) -> None:
    client = Client()
    client.force_login(factories.resident())

    assert client.get(_url(application)).status_code == 404


def test_signing_in_is_needed(application: Application) -> None:
    response = Client().get(_url(application))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
