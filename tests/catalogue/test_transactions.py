"""Service definitions with a transaction section: checked in depth, every problem named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from ventanilla.catalogue.models import Holiday, PublicService
from ventanilla.catalogue.services import catalogue_load, service_file_problems
from ventanilla.catalogue.transactions import transaction_spec
from ventanilla.cli import main
from ventanilla.core.errors import CatalogueLoadError

CHILD_BENEFIT = "services/child-benefit.yaml"


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_a_sound_definition_has_no_problem(catalogue_dir: Path) -> None:
    assert service_file_problems(catalogue_dir / CHILD_BENEFIT) == []


def test_every_problem_is_reported_with_its_path(catalogue_dir: Path) -> None:
    def break_it(data: dict) -> None:  # type: ignore[type-arg]
        tx = data["transaction"]
        del tx["form"]["ui"]["relationship"]["choices"]["guardian"]
        tx["form"]["pages"][1]["fields"].append("nickname")
        tx["eligibility"][0]["rule"] = "person.age >="
        tx["workflow"]["actions"][3]["to"] = "aproved"
        tx["workflow"]["actions"][4]["role"] = "mayor"

    _edit(catalogue_dir / CHILD_BENEFIT, break_it)

    problems = [str(p) for p in service_file_problems(catalogue_dir / CHILD_BENEFIT)]

    assert problems == [
        "transaction.workflow.actions[4].role: 'mayor' is not one of "
        "['caseworker', 'approver', 'service_designer', 'agency_admin']",
        "transaction.form.ui.relationship.choices: no label for 'guardian'",
        "transaction.form.pages[1].fields[2]: 'nickname' is not in the schema",
        "transaction.eligibility[0].rule: the rule does not parse at line 1, column 12",
    ]


def test_workflow_problems_are_found_once_the_shape_is_right(catalogue_dir: Path) -> None:
    def break_it(data: dict) -> None:  # type: ignore[type-arg]
        workflow = data["transaction"]["workflow"]
        workflow["actions"][3]["to"] = "aproved"
        workflow["states"]["approved"].pop("outcome")

    _edit(catalogue_dir / CHILD_BENEFIT, break_it)

    assert [str(p) for p in service_file_problems(catalogue_dir / CHILD_BENEFIT)] == [
        "transaction.workflow.states.approved: a final state needs an outcome",
        "transaction.workflow.actions[3].to: no state 'aproved'",
        "transaction.workflow.states.approved: no action leads to this state",
    ]


def test_a_paid_service_must_say_how_the_fee_is_taken(catalogue_dir: Path) -> None:
    def make_it_cost(data: dict) -> None:  # type: ignore[type-arg]
        data["cost"]["amount"] = "12.00"

    _edit(catalogue_dir / CHILD_BENEFIT, make_it_cost)

    assert [str(p) for p in service_file_problems(catalogue_dir / CHILD_BENEFIT)] == [
        "transaction.fee: the service costs 12.00: say how"
    ]


def test_a_field_the_portal_cannot_ask_is_refused(catalogue_dir: Path) -> None:
    def add_object(data: dict) -> None:  # type: ignore[type-arg]
        form = data["transaction"]["form"]
        form["schema"]["properties"]["extra"] = {"type": "object"}
        form["ui"]["extra"] = {"label": {"en": "Extra", "es": "Extra"}}
        form["pages"][0]["fields"].append("extra")

    _edit(catalogue_dir / CHILD_BENEFIT, add_object)

    [problem] = service_file_problems(catalogue_dir / CHILD_BENEFIT)
    assert problem.path == "transaction.form.schema.properties.extra"
    assert problem.message.startswith("the portal cannot ask this")


def test_loading_a_broken_transaction_names_the_file_and_changes_nothing(
    small_catalogue: Path,
) -> None:
    def break_it(data: dict) -> None:  # type: ignore[type-arg]
        data["version"] = 2
        data["transaction"]["workflow"]["initial"] = "nowhere"

    _edit(small_catalogue / CHILD_BENEFIT, break_it)

    with pytest.raises(CatalogueLoadError) as raised:
        catalogue_load(directory=small_catalogue)

    assert raised.value.message == (
        "services/child-benefit.yaml: transaction.workflow.initial: no state 'nowhere'"
    )
    assert PublicService.objects.get(slug="child-benefit").version == 1


def test_a_loaded_transaction_is_marked_and_parsed(small_catalogue: Path) -> None:
    service = PublicService.objects.get(slug="child-benefit")
    assert service.applies_online is True
    assert PublicService.objects.get(slug="birth-certificate").applies_online is False

    spec = transaction_spec(service.definitions.get(version=1).definition["transaction"])

    assert [page.slug for page in spec.pages] == ["child", "payment"]
    assert [f.name for f in spec.fields] == [
        "child_given_name",
        "child_birth_date",
        "relationship",
        "bank_account",
        "address",
    ]
    assert spec.fields[1].kind == "date"
    assert spec.fields[2].choices[1] == ("guardian", {"en": "Legal guardian", "es": "Tutor legal"})
    assert spec.fields[4].prefill == "population/person.address"  # read from `person.address`
    assert spec.evidence == ("population/person",)
    assert spec.workflow.initial == "received"
    assert spec.workflow.states["more-information"].waits_for_resident is True
    assert spec.eligibility[0].rule.is_true({"person": {"age": 15}}) is False


def test_the_calendar_file_loads_yearly_and_one_off_holidays(small_catalogue: Path) -> None:
    this_year = dt.date.today().year  # noqa: DTZ011 - a calendar year, no time of day
    assert Holiday.objects.filter(date=dt.date(this_year, 12, 25)).exists()
    assert Holiday.objects.filter(date=dt.date(this_year + 5, 1, 1)).exists()
    assert Holiday.objects.get(date=dt.date(2026, 4, 3)).name["es"] == "Viernes Santo"


def test_the_check_command_prints_every_problem_and_fails(
    catalogue_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def break_it(data: dict) -> None:  # type: ignore[type-arg]
        data["transaction"]["workflow"]["initial"] = "nowhere"
        data["transaction"]["eligibility"][0]["rule"] = ")"

    good = catalogue_dir / "services" / "birth-certificate.yaml"
    bad = catalogue_dir / CHILD_BENEFIT
    _edit(bad, break_it)

    assert main(["services", "check", str(good), str(bad)]) == 1

    out = capsys.readouterr().out
    assert f"{good}: OK" in out
    assert f"{bad}: 3 problems" in out
    assert "  transaction.workflow.initial: no state 'nowhere'" in out
    assert "  transaction.eligibility[0].rule: the rule does not parse" in out
    assert main(["services", "check", str(good)]) == 0


def test_a_prefill_names_a_data_service_about_a_person_and_one_value_of_its_answer(
    catalogue_dir: Path,
) -> None:
    def prefill(data: dict) -> None:  # type: ignore[type-arg]
        data["transaction"]["prefill"] = {
            "address": "population/person.address",
            "bank_account": "population/persons.iban",
            "child_given_name": "population/person.nickname",
            "relationship": "population/children.children",
            "nickname": "population/person.given_name",
            "child_birth_date": "business/company.founded_on",
        }

    _edit(catalogue_dir / CHILD_BENEFIT, prefill)

    assert [str(p) for p in service_file_problems(catalogue_dir / CHILD_BENEFIT)] == [
        "transaction.prefill.address: is pre-filled in transaction.form.ui.address too",
        "transaction.prefill.bank_account: no data service 'population/persons' answers "
        "about a person (business/companies-of-person, population/children, "
        "population/parents, population/person, property/parcels-of-owner, "
        "vehicles/of-keeper)",
        "transaction.prefill.child_given_name: population/person has no field 'nickname' "
        "(national_id, full_name, given_name, family_name, birth_date, birth_place, address, "
        "postcode, municipality, civil_status, alive)",
        "transaction.prefill.relationship: population/children's 'children' is a list, not "
        "one value to fill in",
        "transaction.prefill.nickname: is not in the schema",
        "transaction.prefill.child_birth_date: no data service 'business/company' answers "
        "about a person (business/companies-of-person, population/children, "
        "population/parents, population/person, property/parcels-of-owner, "
        "vehicles/of-keeper)",
    ]


def test_a_prefill_section_fills_its_fields_from_the_data_services_it_names(
    catalogue_dir: Path,
) -> None:
    def prefill(data: dict) -> None:  # type: ignore[type-arg]
        tx = data["transaction"]
        del tx["form"]["ui"]["address"]["prefill"]
        tx["prefill"] = {"address": "population/person.address"}
        tx["eligibility"] = [
            {"rule": "answers.relationship == 'parent'", "reason": {"en": "P", "es": "P"}}
        ]

    _edit(catalogue_dir / CHILD_BENEFIT, prefill)
    assert service_file_problems(catalogue_dir / CHILD_BENEFIT) == []
    data = yaml.safe_load((catalogue_dir / CHILD_BENEFIT).read_text())

    spec = transaction_spec(data["transaction"])

    assert [(f.name, f.prefill) for f in spec.prefilled] == [
        ("address", "population/person.address")
    ]
    assert spec.evidence == ("population/person",)
    assert spec.reads_person is False


def test_a_rule_that_reads_person_fetches_the_population_registrys_record(
    catalogue_dir: Path,
) -> None:
    def no_prefill(data: dict) -> None:  # type: ignore[type-arg]
        del data["transaction"]["form"]["ui"]["address"]["prefill"]

    _edit(catalogue_dir / CHILD_BENEFIT, no_prefill)
    data = yaml.safe_load((catalogue_dir / CHILD_BENEFIT).read_text())

    spec = transaction_spec(data["transaction"])

    assert spec.prefilled == ()
    assert spec.evidence == ("population/person",)  # for "person.age >= 16"
