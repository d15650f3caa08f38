"""Federation: node B (another agency's Ventanilla, its own database, `ventanilla serve`)
provides the population registry; node A (this test's) fetches from it over HTTP through
the mediator, with signed requests. A tampered or replayed request is refused."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ventanilla.applications.services import application_start
from ventanilla.casework.models import Case
from ventanilla.exchange.enums import OWN_APPLICATION
from ventanilla.exchange.models import Call, DataService, Member, Subsystem
from ventanilla.exchange.providers import PERSON_SCHEMA
from ventanilla.exchange.services import exchange_call
from ventanilla.exchange.signing import node_public_key, request_headers, sign_request

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")), reason="node B runs on SQLite; run once"
    ),
]

SETUP_B = """
import datetime as dt, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from ventanilla.identity.models import Agency
from ventanilla.registries.models import Person
from ventanilla.exchange.models import DataService, Member, Subsystem
from ventanilla.exchange.providers import PERSON_SCHEMA
from ventanilla.exchange.services import access_right_grant
agency = Agency.objects.create(slug="civil-registry", name={"en": "Civil Registry"})
registry = Member.objects.create(
    agency=agency, instance="DEMO", member_class="GOV", member_code="civil-registry")
population = Subsystem.objects.create(member=registry, code="population", name={"en": "P"})
service = DataService.objects.create(
    provider=population, code="population/person", name={"en": "Person"},
    response_schema=PERSON_SCHEMA, purposes=["benefit-assessment", "own-application"])
town = Member.objects.create(
    instance="DEMO", member_class="GOV", member_code="treasury", public_key=sys.argv[1])
for code in ("benefits", "applications"):
    access_right_grant(
        service=service,
        client=Subsystem.objects.create(member=town, code=code, name={"en": code}))
Person.objects.create(
    national_id=sys.argv[2], given_name="Ana", family_name="Núñez",
    birth_date=dt.date(1990, 1, 2), address="Avenida del Nodo 2", postcode="28001",
    municipality="Puerto")
"""

CALLS_B = """
import django
django.setup()
from ventanilla.exchange.models import Call
print(list(Call.objects.values_list("outcome", "purpose", "case_reference")))
"""


def _calls_on_b(node_b: dict[str, Any]) -> str:
    """Node B's call log: (outcome, purpose, case reference) of each call it answered."""
    return subprocess.run(
        [sys.executable, "-c", CALLS_B],
        env=node_b["env"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def node_b(tmp_path: Path, case: Case) -> Iterator[dict[str, Any]]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VENTANILLA_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"))
    }
    env.update(
        VENTANILLA_DATA_DIR=str(tmp_path / "node-b"),
        DJANGO_SETTINGS_MODULE="ventanilla.config.settings",
    )
    (tmp_path / "node-b").mkdir()
    national_id = case.applicant.national_id
    subprocess.run(
        [sys.executable, "-c", SETUP_B, node_public_key(), national_id],
        env=env,
        check=True,
        timeout=120,
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "ventanilla", "serve", "--port", str(port), "--workers", "1"],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.25)
        yield {"url": url, "env": env, "national_id": national_id}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def node_a(node_b: dict[str, Any], mediator: dict[str, Any]) -> Subsystem:
    """On node A, the treasury (a local agency) asks; node B's registry is remote."""
    treasury = Member.objects.get(member_code="treasury")
    Member.objects.filter(pk=treasury.pk).update(instance="DEMO")
    registry = Member.objects.create(
        instance="DEMO", member_class="GOV", member_code="civil-registry"
    )
    population = Subsystem.objects.create(member=registry, code="population", name={"en": "P"})
    DataService.objects.filter(code="population/person").update(code="test/person")
    DataService.objects.create(
        provider=population,
        code="population/person",
        name={"en": "Person"},
        response_schema=PERSON_SCHEMA,
        purposes=["benefit-assessment", OWN_APPLICATION],
        remote_url=node_b["url"],
    )
    Subsystem.objects.create(member=treasury, code="applications", name={"en": "Applications"})
    return Subsystem.objects.get(member=treasury, code="benefits")


def test_node_a_fetches_a_person_from_node_bs_registry_over_signed_http(
    node_b: dict[str, Any], node_a: Subsystem, case: Case
) -> None:
    result = exchange_call(
        client=node_a,
        service_code="population/person",
        national_id=node_b["national_id"],
        purpose="benefit-assessment",
        case_reference=case.reference,
    )
    assert result.data["full_name"] == "Ana Núñez"
    assert Call.objects.get().outcome == "completed"
    calls_b = _calls_on_b(node_b)
    assert f"('completed', 'benefit-assessment', '{case.reference}')" in calls_b


def test_node_as_application_is_prefilled_from_node_bs_registry_over_signed_http(
    node_b: dict[str, Any], node_a: Subsystem, case: Case
) -> None:
    application = application_start(applicant=case.applicant, service=case.service)

    assert application.answers == {"address": "Avenida del Nodo 2"}
    call = Call.objects.get()
    assert (call.outcome, call.purpose, call.application, call.client.code) == (
        "completed",
        OWN_APPLICATION,
        application.public_id,
        "applications",
    )
    calls_b = _calls_on_b(node_b)
    assert "('completed', 'own-application', '')" in calls_b


def test_node_a_still_checks_the_legal_basis_before_asking_node_b(
    node_b: dict[str, Any], node_a: Subsystem
) -> None:
    with pytest.raises(Exception, match="No legal basis"):
        exchange_call(
            client=node_a,
            service_code="population/person",
            national_id=node_b["national_id"],
            purpose="benefit-assessment",
        )
    assert Call.objects.get().reason == "no_legal_basis"


def test_node_b_refuses_a_tampered_or_replayed_request(
    node_b: dict[str, Any], node_a: Subsystem, case: Case
) -> None:
    path = (
        f"/r1/DEMO/GOV/civil-registry/population/person/{node_b['national_id']}"
        "?purpose=benefit-assessment"
    )
    headers = request_headers(client=node_a, issue=case.reference)
    sign_request(
        method="GET", url=node_b["url"] + path, headers=headers, member_id="DEMO/GOV/treasury"
    )

    def get(url: str) -> tuple[int, dict[str, Any]]:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    tampered = node_b["url"] + path.replace("benefit-assessment", "marketing")
    assert get(tampered)[0] == 401
    assert get(node_b["url"] + path)[0] == 200
    status, body = get(node_b["url"] + path)
    assert (status, body["message"]) == (
        401,
        "this X-Road-Id was already used: a replayed request",
    )
